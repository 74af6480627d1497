"""Initiatives: the current state of each, and its history of announcement and status changes.

The current status is the status of the latest history item that is not retracted, in
timeline order (earliest day, precision, position); every other current field is the
announcement's, as corrected.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import cast

import asyncpg
import msgspec

import events
from service.queries.common import DatedRecord, Query, dated_fields, decode_fact, fact_columns
from service.queries.paging import SortKey, after_clause, next_cursor, order_by
from service.queries.search import (
    WALK_ROWS,
    Walk,
    contains,
    list_rows,
    matches,
    searched,
)

InitiativeFact = events.InitiativeAnnounced | events.InitiativeStatusChanged
"""What an initiative's history holds: its announcement, then its status changes."""


class HistoryItem(DatedRecord, kw_only=True):
    type: str
    status: str
    note_ko: str | None
    note_en: str | None


class Initiative(DatedRecord, kw_only=True):
    """The date, evidence, state and corrections are the announcement's."""

    initiative_id: str
    agency_id: str
    title_ko: str
    title_en: str | None
    title_is_official: bool
    kind: str
    status: str
    """The current status."""
    summary_ko: str | None
    summary_en: str | None
    due: str | None
    meetings: list[str]
    topics: list[str]


class InitiativeDetail(Initiative, kw_only=True):
    history: list[HistoryItem]


class InitiativePage(msgspec.Struct, kw_only=True):
    initiatives: list[Initiative]
    next_cursor: str | None


class AgencyInitiatives(InitiativePage, kw_only=True):
    agency_id: str


def _select(query: Query) -> str:
    return f"""SELECT {fact_columns('f')}, h.initiative_id FROM initiative_history AS h
        {query.fact_of("h")} WHERE {query.known("h")}"""


async def get_initiative(
    connection: asyncpg.Connection, initiative_id: str, as_of: datetime | None = None
) -> InitiativeDetail | None:
    query = Query(as_of)
    rows = await query.fetch(
        connection,
        f"""{_select(query)} AND h.initiative_id = {query.param(initiative_id)}
            ORDER BY {order_by('h')}""",
    )
    history = [(row, cast(InitiativeFact, decode_fact(row))) for row in rows]
    if not any(isinstance(fact, events.InitiativeAnnounced) for _, fact in history):
        return None
    current = _current(history)
    return InitiativeDetail(
        **msgspec.structs.asdict(current), history=[_item(row, fact) for row, fact in history]
    )


# An announcement is found by its own text or by any row of its history (as known then).


def _history_contains(alias: str, q: str, query: Query) -> str:
    return f"""EXISTS (SELECT FROM initiative_history AS m
        WHERE m.initiative_id = {alias}.initiative_id
          AND {contains("m", q, query)} AND {query.known("m")})"""


def _history_matches(alias: str, q: str, query: Query) -> str:
    return f"""{alias}.initiative_id IN (SELECT m.initiative_id FROM initiative_history AS m
        WHERE {matches("m", q, query)} AND {query.known("m")})"""


async def initiative_page(
    connection: asyncpg.Connection,
    *,
    agency_id: str | None = None,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
    walk_rows: int = WALK_ROWS,
) -> InitiativePage:
    """Initiatives in the timeline order of their announcements (keyset over the
    announcement's key), each with its current status; ``agency_id`` keeps the agency's,
    ``q`` (normalized) those whose announcement or a status change's note or quotes contain it
    (``search_rows``: the first ``walk_rows`` announcements in order, each with its history
    rows, then the search index)."""

    def sql(query: Query, walking: Walk | None = None) -> str:
        conditions = ["a.type = 'initiative.announced'", query.known("a")]
        if agency_id is not None:
            conditions.append(f"a.agency_id = {query.param(agency_id)}")
        if after is not None:
            conditions.append(after_clause("a", after, query))
        source, conditions, columns = searched(
            "initiative_history", "a", conditions, q, walking, query,
            hit=_history_contains, match=_history_matches,
        )
        return f"""SELECT a.initiative_id, a.earliest, a.precision_rank, a.position{columns}
            FROM {source} WHERE {" AND ".join(conditions)}
            ORDER BY {order_by("a")} LIMIT {query.param(limit + 1)}"""

    page = await list_rows(connection, as_of, sql, q, limit=limit, walk_rows=walk_rows)
    ids = [row["initiative_id"] for row in page[:limit]]
    histories = await _histories(connection, ids, as_of)
    return InitiativePage(
        initiatives=[_current(histories[initiative_id]) for initiative_id in ids],
        next_cursor=next_cursor(page, limit),
    )


async def _histories(
    connection: asyncpg.Connection, initiative_ids: list[str], as_of: datetime | None
) -> dict[str, list[tuple[asyncpg.Record, InitiativeFact]]]:
    query = Query(as_of)
    rows = await query.fetch(
        connection,
        f"""{_select(query)} AND h.initiative_id = ANY ({query.param(initiative_ids)}::text[])
            ORDER BY {order_by("h")}""",
    )
    histories: dict[str, list[tuple[asyncpg.Record, InitiativeFact]]] = defaultdict(list)
    for row in rows:
        histories[row["initiative_id"]].append((row, cast(InitiativeFact, decode_fact(row))))
    return histories


def _current(history: list[tuple[asyncpg.Record, InitiativeFact]]) -> Initiative:
    row, announcement = next(
        (row, fact) for row, fact in history if isinstance(fact, events.InitiativeAnnounced)
    )
    standing = [fact for row, fact in history if row["state"] != "retracted"]
    status = standing[-1].status if standing else announcement.status
    return Initiative(
        **dated_fields(row, announcement),
        initiative_id=announcement.initiative_id,
        agency_id=announcement.agency,
        title_ko=announcement.title_ko,
        title_en=announcement.title_en,
        title_is_official=announcement.title_is_official,
        kind=announcement.kind,
        status=status,
        summary_ko=announcement.summary_ko,
        summary_en=announcement.summary_en,
        due=announcement.due,
        meetings=list(announcement.meetings),
        topics=list(announcement.topics),
    )


def _item(row: asyncpg.Record, fact: InitiativeFact) -> HistoryItem:
    return HistoryItem(
        **dated_fields(row, fact),
        type=row["type"],
        status=fact.status,
        note_ko=getattr(fact, "note_ko", None),
        note_en=getattr(fact, "note_en", None),
    )
