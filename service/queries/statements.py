"""Statements: what was said, proposed, presented or pledged, in timeline order."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

import events
from service.queries.common import DatedRecord, dated_fields, decode_fact, fact_columns
from service.queries.paging import SortKey, after_clause, next_cursor, order_by

STATEMENT_KINDS = ("remark", "proposal", "presentation", "pledge")


class Statement(DatedRecord, kw_only=True):
    statement_id: str
    speaker: events.Speaker
    meeting_id: str | None
    kind: str
    text: str
    """In Korean; a direct quote when ``verbatim``, otherwise the source's indirect speech."""
    text_en: str | None
    verbatim: bool
    topics: list[str]
    related_initiatives: list[str]


class StatementPage(msgspec.Struct, kw_only=True):
    statements: list[Statement]
    next_cursor: str | None


_SELECT = f"""SELECT {fact_columns("s")}, s.earliest, s.precision_rank FROM statements AS s"""


async def statement_page(
    connection: asyncpg.Connection,
    *,
    agency_id: str | None = None,
    speaker_id: str | None = None,
    meeting_id: str | None = None,
    kind: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
) -> StatementPage:
    """``agency_id`` selects the statements on that agency's timeline (by its people, or at its
    meetings); ``speaker_id`` a speaker, or a named member of a group speaker."""
    conditions: list[str] = []
    arguments: list[Any] = []

    def parameter(value: Any) -> str:
        arguments.append(value)
        return f"${len(arguments)}"

    if agency_id is not None:
        conditions.append(
            "s.event_id IN (SELECT event_id FROM timeline_entries"
            f" WHERE agency_id = {parameter(agency_id)} AND type = 'statement.made')"
        )
    if speaker_id is not None:
        conditions.append(f"s.speaker_ids @> ARRAY[{parameter(speaker_id)}::text]")
    if meeting_id is not None:
        conditions.append(f"s.meeting_id = {parameter(meeting_id)}")
    if kind is not None:
        conditions.append(f"s.kind = {parameter(kind)}")
    if after is not None:
        conditions.append(after_clause("s", len(arguments) + 1))
        arguments.extend(after)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await connection.fetch(
        f"{_SELECT} {where} ORDER BY {order_by('s')} LIMIT {parameter(limit + 1)}", *arguments
    )
    return StatementPage(
        statements=[statement(row) for row in rows[:limit]], next_cursor=next_cursor(rows, limit)
    )


async def statements_where(
    connection: asyncpg.Connection, condition: str, *arguments: object
) -> list[Statement]:
    """Every statement matching an SQL condition on ``s`` (a meeting's, a person's), in order."""
    rows = await connection.fetch(
        f"{_SELECT} WHERE {condition} ORDER BY {order_by('s')}", *arguments
    )
    return [statement(row) for row in rows]


def statement(row: asyncpg.Record) -> Statement:
    fact = decode_fact(row)
    assert isinstance(fact, events.StatementMade)
    return Statement(
        **dated_fields(row, fact),
        statement_id=fact.statement_id,
        speaker=fact.speaker,
        meeting_id=fact.meeting,
        kind=fact.kind,
        text=fact.text,
        text_en=fact.text_en,
        verbatim=fact.verbatim,
        topics=list(fact.topics),
        related_initiatives=list(fact.related_initiatives),
    )
