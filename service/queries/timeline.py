"""An agency's timeline: its entries in timeline order, each built from the fact as corrected."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

import asyncpg
import msgspec

import events
from service.queries.common import DatedRecord, Query, dated_fields, decode_fact, fact_columns
from service.queries.paging import SortKey, after_clause, next_cursor, order_by
from service.queries.search import matches

Role = Literal["organiser", "responsible", "speaker", "host"]
TIMELINE_TYPES = (
    "meeting.held",
    "initiative.announced",
    "initiative.status_changed",
    "statement.made",
)


class Subject(msgspec.Struct, kw_only=True):
    """The entity the fact is about: a meeting, an initiative or a statement."""

    kind: Literal["meeting", "initiative", "statement"]
    id: str


class Participant(msgspec.Struct, kw_only=True):
    """An actor the fact names, and in what role. A group speaker has no id but a description."""

    kind: str
    id: str | None
    role: Literal["organiser", "attendee", "responsible", "speaker"]
    description_ko: str | None = None
    description_en: str | None = None
    members: list[events.ActorRef] = []


class TimelineEntry(DatedRecord, kw_only=True):
    type: str
    roles: list[Role]
    """How the agency of this timeline is involved."""
    subject: Subject
    title_ko: str | None
    title_en: str | None
    summary_ko: str | None
    summary_en: str | None
    kind: str | None
    """The meeting's, initiative's or statement's kind."""
    status: str | None
    """An initiative's status, as announced or as changed."""
    meeting_id: str | None
    participants: list[Participant]


class TimelinePage(msgspec.Struct, kw_only=True):
    agency_id: str
    entries: list[TimelineEntry]
    next_cursor: str | None
    """Pass as ``cursor`` for the next page; null on the last page."""


MAX_SPAN = timedelta(days=366)
"""The longest an entry's date can span: a year-precision date in a leap year."""


def _select(query: Query) -> str:
    """Entries ``e`` with their facts as known then; a status change is titled by its
    initiative: the announcement, as corrected."""
    return f"""SELECT {fact_columns("f")}, e.roles, e.earliest, e.precision_rank,
            announcement.fact::text AS announcement
        FROM timeline_entries AS e
        {query.fact_of("e")}
        LEFT JOIN LATERAL (
            SELECT a.fact FROM facts AS a
            WHERE f.type = 'initiative.status_changed' AND a.entity = f.stream_id
              AND {query.known("a")}
            LIMIT 1
        ) AS announcement ON true"""


async def timeline_page(
    connection: asyncpg.Connection,
    agency_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    types: Sequence[str] | None = None,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
) -> TimelinePage:
    """Entries whose days overlap ``start``..``end`` (an entry of 2025-03 overlaps 2025-03-24);
    ``q`` (normalized) keeps those whose text contains it."""
    query = Query(as_of)
    conditions = [f"e.agency_id = {query.param(agency_id)}", query.known("e")]
    if start is not None:
        conditions.append(f"e.latest >= {query.param(start)}::date")
        # The same condition as a range on the index's sort column: an entry spans at most a
        # year, so none that ends on or after ``start`` began more than a year before it.
        conditions.append(f"e.earliest >= {query.param(start - MAX_SPAN)}::date")
    if end is not None:
        conditions.append(f"e.earliest <= {query.param(end)}::date")
    if types:
        conditions.append(f"e.type = ANY ({query.param(list(types))}::text[])")
    if q is not None:
        conditions.append(matches("e", q, query))
    if after is not None:
        conditions.append(after_clause("e", after, query))
    rows = await query.fetch(
        connection,
        f"""{_select(query)} WHERE {" AND ".join(conditions)}
            ORDER BY {order_by("e")} LIMIT {query.param(limit + 1)}""",
    )
    return TimelinePage(
        agency_id=agency_id,
        entries=[timeline_entry(row) for row in rows[:limit]],
        next_cursor=next_cursor(rows, limit),
    )


async def latest_entries(
    connection: asyncpg.Connection, agency_ids: Sequence[str], as_of: datetime | None = None
) -> dict[str, TimelineEntry]:
    """Each agency's last entry in timeline order that is not retracted."""
    query = Query(as_of)
    ids = query.param(list(agency_ids))
    rows = await query.fetch(
        connection,
        f"""SELECT agency.id AS agency_id, latest.*
            FROM unnest({ids}::text[]) AS agency (id)
            CROSS JOIN LATERAL ({_select(query)}
                WHERE e.agency_id = agency.id AND e.state <> 'retracted' AND {query.known("e")}
                ORDER BY {order_by("e", descending=True)} LIMIT 1) AS latest""",
    )
    return {row["agency_id"]: timeline_entry(row) for row in rows}


def timeline_entry(row: asyncpg.Record) -> TimelineEntry:
    fact = decode_fact(row)
    announcement = msgspec.json.decode(row["announcement"]) if row["announcement"] else {}
    return TimelineEntry(
        **dated_fields(row, fact),
        type=row["type"],
        roles=list(row["roles"]),
        **_describe(fact, announcement),
    )


def _describe(fact: events.Event, announcement: dict[str, Any]) -> dict[str, Any]:
    """The subject, title, summary, kind, status, meeting and participants of one fact."""
    if isinstance(fact, events.MeetingHeld):
        organiser = Participant(kind="agency", id=fact.organiser, role="organiser")
        attendees = [Participant(kind=a.kind, id=a.id, role="attendee") for a in fact.attendees]
        return _fields(
            Subject(kind="meeting", id=fact.meeting_id),
            (fact.title_ko, fact.title_en),
            (fact.summary_ko, fact.summary_en),
            kind=fact.kind,
            meeting_id=fact.meeting_id,
            participants=[organiser, *attendees],
        )
    if isinstance(fact, events.InitiativeAnnounced):
        return _fields(
            Subject(kind="initiative", id=fact.initiative_id),
            (fact.title_ko, fact.title_en),
            (fact.summary_ko, fact.summary_en),
            kind=fact.kind,
            status=fact.status,
            participants=[Participant(kind="agency", id=fact.agency, role="responsible")],
        )
    if isinstance(fact, events.InitiativeStatusChanged):
        agency = announcement.get("agency")
        return _fields(
            Subject(kind="initiative", id=fact.initiative_id),
            (announcement.get("title_ko"), announcement.get("title_en")),
            (fact.note_ko, fact.note_en),
            kind=announcement.get("kind"),
            status=fact.status,
            participants=[Participant(kind="agency", id=agency, role="responsible")]
            if agency
            else [],
        )
    if isinstance(fact, events.StatementMade):
        speaker = fact.speaker
        return _fields(
            Subject(kind="statement", id=fact.statement_id),
            (fact.text, fact.text_en),
            (None, None),
            kind=fact.kind,
            meeting_id=fact.meeting,
            participants=[
                Participant(
                    kind=speaker.kind,
                    id=speaker.id,
                    role="speaker",
                    description_ko=speaker.description_ko,
                    description_en=speaker.description_en,
                    members=list(speaker.members),
                )
            ],
        )
    raise ValueError(f"{fact.TYPE} is not a timeline fact")


def _fields(
    subject: Subject,
    title: tuple[str | None, str | None],
    summary: tuple[str | None, str | None],
    *,
    kind: str | None = None,
    status: str | None = None,
    meeting_id: str | None = None,
    participants: list[Participant],
) -> dict[str, Any]:
    return {
        "subject": subject,
        "title_ko": title[0],
        "title_en": title[1],
        "summary_ko": summary[0],
        "summary_en": summary[1],
        "kind": kind,
        "status": status,
        "meeting_id": meeting_id,
        "participants": participants,
    }
