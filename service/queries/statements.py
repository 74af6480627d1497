"""Statements: what was said, proposed, presented or pledged, in timeline order."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

import events
from service.queries.common import (
    DatedRecord,
    Query,
    dated_fields,
    decode_fact,
    fact_columns,
    meeting_date_join,
)
from service.queries.paging import SortKey, after_clause, next_cursor, order_by
from service.queries.search import WALK_ROWS, Walk, list_rows, searched


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


def _select(query: Query, source: str = "statements AS s", columns: str = "") -> str:
    return f"""SELECT {fact_columns("f")}, s.earliest, s.precision_rank,
            meeting_date.meeting_occurred{columns}
        FROM {source} {query.fact_of("s")} {meeting_date_join(query)}"""


async def statement_page(
    connection: asyncpg.Connection,
    *,
    agency_id: str | None = None,
    role: str | None = None,
    speaker_id: str | None = None,
    meeting_id: str | None = None,
    kind: str | None = None,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
    walk_rows: int = WALK_ROWS,
) -> StatementPage:
    """``agency_id`` selects the statements on that agency's timeline (by its people, or at its
    meetings); ``role`` those where it (or, without ``agency_id``, any agency) takes that part
    (``speaker``: by it or its people; ``host``: made at its meetings); ``speaker_id`` a speaker, or a named member of a group speaker; ``q``
    (normalized) those whose text, English text or quotes contain it (``search_rows``: the
    first ``walk_rows`` statements in order, then the search index)."""

    def sql(query: Query, walking: Walk | None = None) -> str:
        conditions = [query.known("s")]
        if agency_id is not None or role is not None:
            entries = ["e.type = 'statement.made'", query.known("e")]
            if agency_id is not None:
                entries.append(f"e.agency_id = {query.param(agency_id)}")
            if role is not None:
                entries.append(f"{query.param(role)} = ANY (e.roles)")
            conditions.append(
                "s.event_id IN (SELECT event_id FROM timeline_entries AS e"
                f" WHERE {' AND '.join(entries)})"
            )
        if speaker_id is not None:
            conditions.append(f"s.speaker_ids @> ARRAY[{query.param(speaker_id)}::text]")
        if meeting_id is not None:
            conditions.append(f"s.meeting_id = {query.param(meeting_id)}")
        if kind is not None:
            conditions.append(f"s.kind = {query.param(kind)}")
        if after is not None:
            conditions.append(after_clause("s", after, query))
        source, conditions, columns = searched("statements", "s", conditions, q, walking, query)
        return f"""{_select(query, source, columns)} WHERE {' AND '.join(conditions)}
            ORDER BY {order_by('s')} LIMIT {query.param(limit + 1)}"""

    rows = await list_rows(connection, as_of, sql, q, limit=limit, walk_rows=walk_rows)
    return StatementPage(
        statements=[statement(row) for row in rows[:limit]], next_cursor=next_cursor(rows, limit)
    )


async def get_statement(
    connection: asyncpg.Connection, statement_id: str, as_of: datetime | None = None
) -> Statement | None:
    query = Query(as_of)
    rows = await statements_where(
        connection, query, f"s.statement_id = {query.param(statement_id)}"
    )
    return rows[0] if rows else None


async def statements_where(
    connection: asyncpg.Connection, query: Query, condition: str
) -> list[Statement]:
    """Every statement matching an SQL condition on ``s`` (a meeting's, a person's), in order;
    ``condition`` takes its values from ``query``."""
    rows = await query.fetch(
        connection,
        f"{_select(query)} WHERE {condition} AND {query.known('s')} ORDER BY {order_by('s')}",
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
