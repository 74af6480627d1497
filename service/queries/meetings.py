"""Meetings in timeline order, each by id with the statements made there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

import events
from service.queries.common import (
    DatedRecord,
    Query,
    dated_fields,
    decode_fact,
    entity_row,
    fact_columns,
)
from service.queries.paging import SortKey, after_clause, next_cursor, order_by
from service.queries.search import WALK_ROWS, Walk, list_rows, searched
from service.queries.statements import Statement, statements_where


class MeetingSummary(DatedRecord, kw_only=True):
    meeting_id: str
    organiser: str
    title_ko: str
    title_en: str | None
    title_is_official: bool
    kind: str
    attendees: list[events.ActorRef]
    attendee_count: events.Count | None
    topics: list[str]
    summary_ko: str | None
    summary_en: str | None
    place: events.Place | None


class Meeting(MeetingSummary, kw_only=True):
    statements: list[Statement]


class MeetingPage(msgspec.Struct, kw_only=True):
    meetings: list[MeetingSummary]
    next_cursor: str | None


async def meeting_page(
    connection: asyncpg.Connection,
    *,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
    walk_rows: int = WALK_ROWS,
) -> MeetingPage:
    """Meetings by earliest day, precision, position; ``q`` (normalized) keeps those whose
    titles, summaries or quotes contain it (``search_rows``: the first ``walk_rows`` meetings
    in order, then the search index)."""

    def sql(query: Query, walking: Walk | None = None) -> str:
        conditions = [query.known("m")]
        if after is not None:
            conditions.append(after_clause("m", after, query))
        source, conditions, columns = searched("meetings", "m", conditions, q, walking, query)
        return f"""SELECT {fact_columns("f")}, m.earliest, m.precision_rank{columns}
            FROM {source} {query.fact_of("m")} WHERE {" AND ".join(conditions)}
            ORDER BY {order_by("m")} LIMIT {query.param(limit + 1)}"""

    rows = await list_rows(connection, as_of, sql, q, limit=limit, walk_rows=walk_rows)
    return MeetingPage(
        meetings=[MeetingSummary(**_fields(row)) for row in rows[:limit]],
        next_cursor=next_cursor(rows, limit),
    )


async def get_meeting(
    connection: asyncpg.Connection, meeting_id: str, as_of: datetime | None = None
) -> Meeting | None:
    row = await entity_row(connection, "meetings", "meeting_id", meeting_id, as_of)
    if row is None:
        return None
    return Meeting(**_fields(row), statements=await _statements(connection, meeting_id, as_of))


def _fields(row: asyncpg.Record) -> dict[str, Any]:
    fact = decode_fact(row)
    assert isinstance(fact, events.MeetingHeld)
    return {
        **dated_fields(row, fact),
        "meeting_id": fact.meeting_id,
        "organiser": fact.organiser,
        "title_ko": fact.title_ko,
        "title_en": fact.title_en,
        "title_is_official": fact.title_is_official,
        "kind": fact.kind,
        "attendees": list(fact.attendees),
        "attendee_count": fact.attendee_count,
        "topics": list(fact.topics),
        "summary_ko": fact.summary_ko,
        "summary_en": fact.summary_en,
        "place": fact.place,
    }


async def meetings_attended(
    connection: asyncpg.Connection, kind: str, actor_id: str, as_of: datetime | None = None
) -> list[MeetingSummary]:
    """The meetings whose attendees name the actor (``kind`` and id), in timeline order, as
    known then (for the pages of a person and an organization)."""
    query = Query(as_of)
    attendee = query.param(msgspec.json.encode([{"kind": kind, "id": actor_id}]).decode())
    rows = await query.fetch(
        connection,
        f"""SELECT {fact_columns("f")}, m.earliest, m.precision_rank
            FROM meetings AS m {query.fact_of("m")}
            WHERE {query.known("m")} AND f.fact -> 'attendees' @> {attendee}::jsonb
            ORDER BY {order_by("m")}""",
    )
    return [MeetingSummary(**_fields(row)) for row in rows]


async def _statements(
    connection: asyncpg.Connection, meeting_id: str, as_of: datetime | None
) -> list[Statement]:
    query = Query(as_of)
    return await statements_where(connection, query, f"s.meeting_id = {query.param(meeting_id)}")
