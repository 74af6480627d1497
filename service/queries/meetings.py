"""Meetings, each with the statements made there."""

from __future__ import annotations

from datetime import datetime

import asyncpg

import events
from service.queries.common import DatedRecord, Query, dated_fields, decode_fact, entity_row
from service.queries.statements import Statement, statements_where


class Meeting(DatedRecord, kw_only=True):
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
    statements: list[Statement]


async def get_meeting(
    connection: asyncpg.Connection, meeting_id: str, as_of: datetime | None = None
) -> Meeting | None:
    row = await entity_row(connection, "meetings", "meeting_id", meeting_id, as_of)
    if row is None:
        return None
    fact = decode_fact(row)
    assert isinstance(fact, events.MeetingHeld)
    return Meeting(
        **dated_fields(row, fact),
        meeting_id=fact.meeting_id,
        organiser=fact.organiser,
        title_ko=fact.title_ko,
        title_en=fact.title_en,
        title_is_official=fact.title_is_official,
        kind=fact.kind,
        attendees=list(fact.attendees),
        attendee_count=fact.attendee_count,
        topics=list(fact.topics),
        summary_ko=fact.summary_ko,
        summary_en=fact.summary_en,
        statements=await _statements(connection, meeting_id, as_of),
    )


async def _statements(
    connection: asyncpg.Connection, meeting_id: str, as_of: datetime | None
) -> list[Statement]:
    query = Query(as_of)
    return await statements_where(connection, query, f"s.meeting_id = {query.param(meeting_id)}")
