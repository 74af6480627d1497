"""Agencies: each profile as corrected, with counts and latest activity read from its timeline.

Counts and the latest activity leave out retracted entries; corrected entries count where
they now belong (a meeting whose organiser was corrected counts for the new organiser).
"""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg
import msgspec

import events
from service.queries.common import FactRecord, decode_fact, fact_columns, record_fields
from service.queries.timeline import TimelineEntry, latest_entries


class Counts(msgspec.Struct, kw_only=True):
    meetings_organised: int
    initiatives: int
    """Initiatives the agency is responsible for."""
    statements: int
    """Statements on its timeline: by its people, or made at its meetings."""
    timeline_entries: int


class LatestActivity(msgspec.Struct, kw_only=True):
    """The last entry of the agency's timeline."""

    event_id: uuid.UUID
    type: str
    date: str
    precision: events.Precision
    earliest: date
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


_COUNTS = """SELECT agency_id,
        count(*) FILTER (WHERE type = 'meeting.held' AND 'organiser' = ANY (roles)) AS meetings,
        count(*) FILTER (WHERE type = 'initiative.announced') AS initiatives,
        count(*) FILTER (WHERE type = 'statement.made') AS statements,
        count(*) AS entries
    FROM timeline_entries
    WHERE agency_id = ANY ($1::text[]) AND state <> 'retracted'
    GROUP BY agency_id"""


async def agency_exists(connection: asyncpg.Connection, agency_id: str) -> bool:
    return await connection.fetchval(
        "SELECT EXISTS (SELECT FROM agencies WHERE agency_id = $1)", agency_id
    )


async def get_agency(connection: asyncpg.Connection, agency_id: str) -> Agency | None:
    agencies = await _agencies(connection, "WHERE a.agency_id = $1", agency_id)
    return agencies[0] if agencies else None


async def list_agencies(connection: asyncpg.Connection) -> AgencyList:
    return AgencyList(agencies=await _agencies(connection, ""))


async def _agencies(connection: asyncpg.Connection, where: str, *arguments: object) -> list[Agency]:
    rows = await connection.fetch(
        f"SELECT {fact_columns('a')}, a.agency_id FROM agencies AS a {where} ORDER BY a.agency_id",
        *arguments,
    )
    ids = [row["agency_id"] for row in rows]
    counts = {row["agency_id"]: row for row in await connection.fetch(_COUNTS, ids)}
    latest = await latest_entries(connection, ids)
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
