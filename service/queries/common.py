"""What every read model answers with: a fact's record (evidence, state, corrections) and its date.

The queries read a fact's JSON as corrected (``facts.fact``) and decode it with the vocabulary
(``events.decode_event``), so a response is built from the same types that were appended
(the timeline's entries use read-side views of their own: ``service/queries/timeline.py``).
Every query answers now or ``as_of`` an instant, from the versioned rows (``Query.known``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import Any, Literal

import asyncpg
import msgspec

import events
from service.queries.offsets import OFFSETS_SQL, LocatedEvidence, located

State = Literal["active", "corrected", "retracted"]


class Query:
    """The arguments of one SQL query, numbered as they are added, and the instant it reads."""

    def __init__(self, as_of: datetime | None = None) -> None:
        self.as_of = as_of
        self.arguments: list[Any] = []
        self._instant: str | None = None

    def param(self, value: Any) -> str:
        self.arguments.append(value)
        return f"${len(self.arguments)}"

    def known(self, alias: str) -> str:
        """The condition that a version of ``alias`` is the one known at the query's instant:
        the current one (its own partial indexes), or ``known_from <= as_of < known_until``."""
        if self.as_of is None:
            return f"{alias}.known_until IS NULL"
        if self._instant is None:
            self._instant = self.param(self.as_of)
        instant = f"{self._instant}::timestamptz"
        return (
            f"({alias}.known_from <= {instant}"
            f" AND ({alias}.known_until IS NULL OR {alias}.known_until > {instant}))"
        )

    def fact_of(self, alias: str) -> str:
        """Join ``facts AS f``: the fact that the row ``alias`` derives from, as known then."""
        return f"JOIN facts AS f ON f.event_id = {alias}.event_id AND {self.known('f')}"

    async def fetch(self, connection: asyncpg.Connection, sql: str) -> list[asyncpg.Record]:
        return await connection.fetch(sql, *self.arguments)

# The columns every table of facts has (migration 0003), as the row fields below read them.
FACT_COLUMNS = """{t}.event_id, {t}.position, {t}.type, {t}.recorded_at, {t}.state,
    {t}.fact::text AS fact, {t}.corrections::text AS corrections,
    {t}.retraction::text AS retraction, """ + OFFSETS_SQL


def fact_columns(alias: str) -> str:
    return FACT_COLUMNS.format(t=alias)


class Correction(msgspec.Struct, kw_only=True):
    """A ``fact.corrected`` that amended this fact: the new values, the ones they replaced, why."""

    event_id: uuid.UUID
    changes: dict[str, Any]
    previous: dict[str, Any]
    reason: str
    evidence: list[events.Evidence]
    recorded_at: datetime


class Retraction(msgspec.Struct, kw_only=True):
    event_id: uuid.UUID
    reason: str
    evidence: list[events.Evidence]
    recorded_at: datetime


class FactRecord(msgspec.Struct, kw_only=True):
    """Where a fact comes from and what became of it."""

    event_id: uuid.UUID
    position: int
    evidence: list[LocatedEvidence]
    source_ids: list[str]
    state: State
    corrections: list[Correction]
    retraction: Retraction | None
    recorded_at: datetime


class DatedRecord(FactRecord, kw_only=True):
    """A fact with its date as precise as its source: ``date`` is the reduced date ("2025-02"),
    ``earliest`` and ``latest`` the first and last day it allows."""

    date: str
    precision: events.Precision
    earliest: dt.date
    latest: dt.date
    approximate: bool
    original_words: str | None
    date_from: Literal["own", "meeting"] = "own"
    """``meeting``: a statement that gives no date of its own has its meeting's."""


_corrections = msgspec.json.Decoder(list[Correction])
_retraction = msgspec.json.Decoder(Retraction | None)


def decode_corrections(text: str) -> list[Correction]:
    """A row's ``corrections::text``; most facts have none."""
    return [] if text == "[]" else _corrections.decode(text)


def decode_retraction(text: str | None) -> Retraction | None:
    """A row's ``retraction::text`` (SQL NULL or JSON null when the fact stands)."""
    return _retraction.decode(text) if text else None


def decode_fact(row: asyncpg.Record) -> events.Event:
    return events.decode_event(row["type"], row["fact"])


def record_fields(row: asyncpg.Record, fact: events.Event) -> dict[str, Any]:
    """The ``FactRecord`` fields of a row selected with ``fact_columns``."""
    evidence = located(getattr(fact, "evidence", ()), row["offsets"])
    return {
        "event_id": row["event_id"],
        "position": row["position"],
        "evidence": evidence,
        "source_ids": list(dict.fromkeys(e.source_id for e in evidence)),
        "state": row["state"],
        "corrections": decode_corrections(row["corrections"]),
        "retraction": decode_retraction(row["retraction"]),
        "recorded_at": row["recorded_at"],
    }


def meeting_date_join(query: Query) -> str:
    """``meeting_occurred``: for a statement of ``f`` without a date of its own, the date of
    its meeting as known then."""
    return f"""LEFT JOIN LATERAL (
            SELECT (mf.fact -> 'occurred')::text AS meeting_occurred FROM facts AS mf
            WHERE f.type = 'statement.made'
              AND jsonb_typeof(f.fact -> 'occurred') IS DISTINCT FROM 'object'
              AND mf.entity = 'meeting-' || (f.fact ->> 'meeting') AND {query.known("mf")}
            LIMIT 1
        ) AS meeting_date ON true"""


_occurred = msgspec.json.Decoder(events.Occurred)


def occurred_of(row: asyncpg.Record, fact: Any) -> tuple[Any, Literal["own", "meeting"]]:
    """The fact's date and where it comes from (a row selected with ``meeting_date_join``)."""
    if fact.occurred is not None:
        return fact.occurred, "own"
    if row["meeting_occurred"] is None:
        raise ValueError(f"{fact.statement_id}: its meeting has no date known")
    return _occurred.decode(row["meeting_occurred"]), "meeting"


def date_fields(occurred: events.Occurred) -> dict[str, Any]:
    """The ``DatedRecord`` date fields."""
    earliest, latest, precision = events.date_range(occurred.date)
    return {
        "date": occurred.date,
        "precision": precision,
        "earliest": earliest,
        "latest": latest,
        "approximate": occurred.approximate,
        "original_words": occurred.original,
    }


def dated_fields(row: asyncpg.Record, fact: Any) -> dict[str, Any]:
    occurred, date_from = occurred_of(row, fact)
    return {**record_fields(row, fact), **date_fields(occurred), "date_from": date_from}


async def entity_rows(
    connection: asyncpg.Connection, table: str, id_column: str, *,
    after: str | None, limit: int, as_of: datetime | None,
) -> list[asyncpg.Record]:
    """Up to ``limit + 1`` registrations of ``table``'s entities (people, sources...) in the
    order of their ids, after the id ``after``, as known then; ``entity_id`` is the id."""
    query = Query(as_of)
    conditions = [query.known("x")]
    if after is not None:
        conditions.append(f"x.{id_column} > {query.param(after)}")
    return await query.fetch(
        connection,
        f"""SELECT {fact_columns("f")}, x.{id_column} AS entity_id
            FROM {table} AS x {query.fact_of("x")} WHERE {" AND ".join(conditions)}
            ORDER BY x.{id_column} LIMIT {query.param(limit + 1)}""",
    )


async def entity_row(
    connection: asyncpg.Connection, table: str, id_column: str, entity_id: str,
    as_of: datetime | None,
) -> asyncpg.Record | None:
    """The fact that registered an entity (a meeting, a person...), as known then."""
    query = Query(as_of)
    rows = await query.fetch(
        connection,
        f"""SELECT {fact_columns("f")} FROM {table} AS x {query.fact_of("x")}
            WHERE x.{id_column} = {query.param(entity_id)} AND {query.known("x")}""",
    )
    return rows[0] if rows else None
