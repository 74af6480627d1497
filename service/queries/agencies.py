"""Agencies: each profile as corrected, with counts and latest activity read from its timeline.

Counts and the latest activity leave out retracted entries; corrected entries count where
they now belong (a meeting whose organiser was corrected counts for the new organiser).
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime

import asyncpg
import msgspec

import events
from service.queries.common import FactRecord, Query, decode_fact, fact_columns, record_fields
from service.queries.paging import IdKey, next_id_cursor
from service.queries.timeline import TimelineEntry, latest_entries


class Counts(msgspec.Struct, kw_only=True):
    meetings_organised: int
    initiatives: int
    """Initiatives the agency is responsible for."""
    statements: int
    """Statements on its timeline: ``statements_spoken`` and ``statements_at_its_meetings``
    together (a statement that is both counts once)."""
    statements_spoken: int
    """Statements by the agency or its people (role ``speaker``)."""
    statements_at_its_meetings: int
    """Statements made at meetings it organised, by anyone (role ``host``)."""
    timeline_entries: int


class LatestActivity(msgspec.Struct, kw_only=True):
    """The last entry of the agency's timeline."""

    event_id: uuid.UUID
    type: str
    date: str
    precision: events.Precision
    earliest: dt.date
    title_ko: str | None
    title_en: str | None


class Agency(FactRecord, kw_only=True):
    agency_id: str
    name_ko: str
    name_en: str
    short_ko: str | None
    short_en: str | None
    kind: str
    parent: str | None
    country: str | None
    counts: Counts
    latest_activity: LatestActivity | None


class AgencyList(msgspec.Struct, kw_only=True):
    agencies: list[Agency]
    next_cursor: str | None


_COUNTS = """SELECT agency_id,
        count(*) FILTER (WHERE type = 'meeting.held' AND 'organiser' = ANY (roles)) AS meetings,
        count(*) FILTER (WHERE type = 'initiative.announced') AS initiatives,
        count(*) FILTER (WHERE type = 'statement.made') AS statements,
        count(*) FILTER (WHERE type = 'statement.made' AND 'speaker' = ANY (roles)) AS spoken,
        count(*) FILTER (WHERE type = 'statement.made' AND 'host' = ANY (roles)) AS hosted,
        count(*) AS entries
    FROM timeline_entries AS e
    WHERE agency_id = ANY ({ids}::text[]) AND state <> 'retracted' AND {known}
    GROUP BY agency_id"""


async def agency_exists(
    connection: asyncpg.Connection, agency_id: str, as_of: datetime | None = None
) -> bool:
    query = Query(as_of)
    return (await query.fetch(
        connection,
        f"""SELECT EXISTS (SELECT FROM agencies AS a
            WHERE a.agency_id = {query.param(agency_id)} AND {query.known("a")})""",
    ))[0][0]


async def get_agency(
    connection: asyncpg.Connection, agency_id: str, as_of: datetime | None = None
) -> Agency | None:
    query = Query(as_of)
    rows = await _rows(connection, query, f"AND a.agency_id = {query.param(agency_id)}")
    agencies = await _agencies(connection, as_of, rows)
    return agencies[0] if agencies else None


async def list_agencies(
    connection: asyncpg.Connection,
    as_of: datetime | None = None,
    *,
    after: IdKey | None = None,
    limit: int = 100,
) -> AgencyList:
    """Agencies in the order of their ids, a page at a time."""
    query = Query(as_of)
    later = f"AND a.agency_id > {query.param(after.id)}" if after is not None else ""
    rows = await _rows(connection, query, later, f"LIMIT {query.param(limit + 1)}")
    return AgencyList(
        agencies=await _agencies(connection, as_of, rows[:limit]),
        next_cursor=next_id_cursor(rows, limit, "agency_id"),
    )


async def _rows(
    connection: asyncpg.Connection, query: Query, condition: str = "", limit: str = ""
) -> list[asyncpg.Record]:
    """Registrations of agencies as known then, by id; ``condition`` and ``limit`` are SQL
    with their values in ``query``."""
    return await query.fetch(
        connection,
        f"""SELECT {fact_columns('f')}, a.agency_id FROM agencies AS a {query.fact_of("a")}
            WHERE {query.known("a")} {condition} ORDER BY a.agency_id {limit}""",
    )


async def _agencies(
    connection: asyncpg.Connection, as_of: datetime | None, rows: list[asyncpg.Record]
) -> list[Agency]:
    ids = [row["agency_id"] for row in rows]
    counts_query = Query(as_of)
    counts_sql = _COUNTS.format(ids=counts_query.param(ids), known=counts_query.known("e"))
    counts = {row["agency_id"]: row for row in await counts_query.fetch(connection, counts_sql)}
    latest = await latest_entries(connection, ids, as_of)
    return [
        _agency(row, counts.get(agency_id), latest.get(agency_id))
        for row, agency_id in zip(rows, ids, strict=True)
    ]


def _agency(
    row: asyncpg.Record, counts: asyncpg.Record | None, latest: TimelineEntry | None
) -> Agency:
    fact = decode_fact(row)
    assert isinstance(fact, events.AgencyRegistered)
    return Agency(
        **record_fields(row, fact),
        agency_id=fact.agency_id,
        name_ko=fact.name_ko,
        name_en=fact.name_en,
        short_ko=fact.short_ko,
        short_en=fact.short_en,
        kind=fact.kind,
        parent=fact.parent,
        country=fact.country,
        counts=Counts(
            meetings_organised=counts["meetings"] if counts else 0,
            initiatives=counts["initiatives"] if counts else 0,
            statements=counts["statements"] if counts else 0,
            statements_spoken=counts["spoken"] if counts else 0,
            statements_at_its_meetings=counts["hosted"] if counts else 0,
            timeline_entries=counts["entries"] if counts else 0,
        ),
        latest_activity=_latest(latest) if latest else None,
    )


def _latest(entry: TimelineEntry) -> LatestActivity:
    return LatestActivity(
        event_id=entry.event_id,
        type=entry.type,
        date=entry.date,
        precision=entry.precision,
        earliest=entry.earliest,
        title_ko=entry.title_ko,
        title_en=entry.title_en,
    )
