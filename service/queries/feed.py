"""The facts of timelines as the service learned them, newest first, for Atom feeds.

The one read query outside the store that reads ``events`` (``service/store/lookups.py``): the
log's ``recorded_at`` index, read backwards, bounds the work by the feed's length; the read
models have no such index of when their facts were recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import asyncpg

from service.queries.common import Query, fact_columns, meeting_date_join
from service.queries.timeline import (
    TIMELINE_TYPES,
    TimelineEntry,
    announcement_join,
    timeline_entry,
)


class FeedItem(NamedTuple):
    entry: TimelineEntry
    updated: datetime
    """When the fact's current version became known (its record, correction or retraction)."""
    agency_id: str | None = None
    """The agency on whose timeline the page shows it: the feed's agency; for the feed of every
    agency, one whose own fact it is (organiser, responsible, speaker) before a host."""


async def recent_facts(
    connection: asyncpg.Connection, agency_id: str | None, limit: int
) -> list[FeedItem]:
    """The ``limit`` timeline facts (of ``agency_id``, or of every agency, each fact once)
    recorded last, retracted ones included. Ordered by the log's ``recorded_at`` (its index,
    read backwards: the work is bounded by ``limit``, not by the log), then position."""
    query = Query()
    if agency_id is not None:
        agency = f"""JOIN timeline_entries AS e ON e.event_id = ev.event_id
            AND e.agency_id = {query.param(agency_id)} AND {query.known("e")}"""
    else:
        agency = f"""LEFT JOIN LATERAL (
            SELECT e.agency_id FROM timeline_entries AS e
            WHERE e.event_id = ev.event_id AND {query.known("e")}
            ORDER BY e.roles = ARRAY['host'], e.agency_id LIMIT 1
        ) AS e ON true"""
    rows = await query.fetch(
        connection,
        f"""SELECT {fact_columns("f")}, f.known_from AS updated, ARRAY[]::text[] AS roles,
                e.agency_id AS page_agency,
                announcement.fact::text AS announcement, meeting_date.meeting_occurred
            FROM events AS ev
            {agency}
            {query.fact_of("ev")}
            {announcement_join(query)}
            {meeting_date_join(query)}
            WHERE ev.type = ANY ({query.param(list(TIMELINE_TYPES))}::text[])
            ORDER BY ev.recorded_at DESC, ev.position DESC
            LIMIT {query.param(limit)}""",
    )
    return [FeedItem(timeline_entry(row), row["updated"], row["page_agency"]) for row in rows]


async def source_urls(connection: asyncpg.Connection, source_ids: Sequence[str]) -> dict[str, str | None]:
    """Each registered source's own address (null for a source without one)."""
    query = Query()
    rows = await query.fetch(
        connection,
        f"""SELECT s.source_id, f.fact ->> 'url' AS url FROM sources AS s {query.fact_of("s")}
            WHERE s.source_id = ANY ({query.param(list(source_ids))}::text[])
              AND {query.known("s")}""",
    )
    return {row["source_id"]: row["url"] for row in rows}
