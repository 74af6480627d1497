"""An agency's timeline: its entries in timeline order, each built from the fact as corrected."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

import asyncpg
import msgspec

import events
from service.queries.common import (
    DatedRecord,
    Query,
    decode_corrections,
    decode_retraction,
    fact_columns,
    meeting_date_join,
)
from service.queries.offsets import LocatedEvidence, located
from service.queries.paging import SortKey, after_clause, next_cursor, order_by
from service.queries.search import WALK_ROWS, Walk, list_rows, searched

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
    place: events.Place | None = None
    """Where a meeting was held, when its source says."""
    participants: list[Participant]


class TimelinePage(msgspec.Struct, kw_only=True):
    agency_id: str
    entries: list[TimelineEntry]
    next_cursor: str | None
    """Pass as ``cursor`` for the next page; null on the last page."""


MAX_SPAN = timedelta(days=366)
"""The longest an entry's date can span: a year-precision date in a leap year."""


def _select(query: Query, source: str = "timeline_entries AS e", columns: str = "") -> str:
    """Entries ``e`` (of ``source``) with their facts as known then."""
    return f"""SELECT {fact_columns("f")}, e.roles, e.earliest, e.precision_rank,
            announcement.fact::text AS announcement, meeting_date.meeting_occurred{columns}
        FROM {source}
        {query.fact_of("e")}
        {announcement_join(query)}
        {meeting_date_join(query)}"""


def announcement_join(query: Query) -> str:
    """``announcement``: a status change is titled by its initiative, the announcement of the
    fact ``f`` as corrected."""
    return f"""LEFT JOIN LATERAL (
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
    role: str | None = None,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
    walk_rows: int = WALK_ROWS,
) -> TimelinePage:
    """Entries whose days overlap ``start``..``end`` (an entry of 2025-03 overlaps 2025-03-24);
    ``role`` keeps those where the agency takes that part (``Role``); ``q`` (normalized) those
    whose text contains it."""
    rows = await timeline_rows(
        connection, agency_id, start=start, end=end, types=types, role=role, q=q, after=after,
        limit=limit, as_of=as_of, walk_rows=walk_rows,
    )
    return page_of_rows(agency_id, rows, limit)


async def timeline_rows(
    connection: asyncpg.Connection,
    agency_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    types: Sequence[str] | None = None,
    role: str | None = None,
    q: str | None = None,
    after: SortKey | None = None,
    limit: int = 100,
    as_of: datetime | None = None,
    walk_rows: int = WALK_ROWS,
) -> list[asyncpg.Record]:
    """The rows of ``timeline_page`` (up to ``limit + 1``): the only part that needs the
    connection, so that a request can give it back before it builds the entries.

    Only a registered agency (as known then) has entries: none means that it has none in the
    range or that there is no such agency, which the API then tells apart with a second query
    (one round trip, not two, for every page that has entries). With ``q``: the first
    ``walk_rows`` entries in order, then the search index (``search_rows``)."""

    def sql(query: Query, walking: Walk | None = None) -> str:
        agency = query.param(agency_id)
        conditions = [
            f"e.agency_id = {agency}",
            query.known("e"),
            f"EXISTS (SELECT FROM agencies AS a WHERE a.agency_id = {agency}"
            f" AND {query.known('a')})",
        ]
        if start is not None:
            conditions.append(f"e.latest >= {query.param(start)}::date")
            # The same condition as a range on the index's sort column: an entry spans at
            # most a year, so none that ends on or after ``start`` began more than a year
            # before it.
            # (Never before year 1: ``date`` has no earlier day.)
            reach = max(start, date.min + MAX_SPAN) - MAX_SPAN
            conditions.append(f"e.earliest >= {query.param(reach)}::date")
        if end is not None:
            conditions.append(f"e.earliest <= {query.param(end)}::date")
        if types:
            conditions.append(f"e.type = ANY ({query.param(list(types))}::text[])")
        if role is not None:
            conditions.append(f"{query.param(role)} = ANY (e.roles)")
        if after is not None:
            conditions.append(after_clause("e", after, query))
        source, conditions, columns = searched(
            "timeline_entries", "e", conditions, q, walking, query
        )
        return f"""{_select(query, source, columns)} WHERE {" AND ".join(conditions)}
            ORDER BY {order_by("e")} LIMIT {query.param(limit + 1)}"""

    return await list_rows(connection, as_of, sql, q, limit=limit, walk_rows=walk_rows)


def page_of_rows(agency_id: str, rows: list[asyncpg.Record], limit: int) -> TimelinePage:
    """The page of the ``timeline_rows`` fetched for ``limit`` entries."""
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


class _Occurred(msgspec.Struct, kw_only=True):
    date: str
    approximate: bool = False
    original: str | None = None


class _Fact(msgspec.Struct, kw_only=True):
    """What an entry reads of any timeline fact. The read-side views below decode a stored fact
    in C, without the vocabulary's checks (``Event.__post_init__`` re-encodes each event to
    look for blank strings): every stored fact passed them when it was appended, and decoding
    each page's facts into the vocabulary's types was most of a timeline request's CPU
    (docs/benchmarks.md, HTTP). Unknown fields are ignored; the values kept are the same."""

    occurred: _Occurred | None = None
    evidence: list[events.Evidence] = []


class _Meeting(_Fact, kw_only=True):
    meeting_id: str
    organiser: str
    title_ko: str
    title_en: str | None = None
    kind: str
    attendees: list[events.ActorRef] = []
    summary_ko: str | None = None
    summary_en: str | None = None
    place: events.Place | None = None


class _Announcement(_Fact, kw_only=True):
    initiative_id: str
    agency: str
    title_ko: str
    title_en: str | None = None
    kind: str
    status: str
    summary_ko: str | None = None
    summary_en: str | None = None


class _StatusChange(_Fact, kw_only=True):
    initiative_id: str
    status: str
    note_ko: str | None = None
    note_en: str | None = None


class _Speaker(msgspec.Struct, kw_only=True):
    kind: str
    id: str | None = None
    description_ko: str | None = None
    description_en: str | None = None
    members: list[events.ActorRef] = []


class _Statement(_Fact, kw_only=True):
    statement_id: str
    speaker: _Speaker
    meeting: str | None = None
    kind: str
    text: str
    text_en: str | None = None


_VIEWS: dict[str, msgspec.json.Decoder] = {
    "meeting.held": msgspec.json.Decoder(_Meeting),
    "initiative.announced": msgspec.json.Decoder(_Announcement),
    "initiative.status_changed": msgspec.json.Decoder(_StatusChange),
    "statement.made": msgspec.json.Decoder(_Statement),
}
_announcement_view = msgspec.json.Decoder(dict[str, Any])
_meeting_occurred = msgspec.json.Decoder(_Occurred)
_date_range = functools.lru_cache(maxsize=8192)(events.date_range)
"""A page's dates repeat (and the result is immutable): parsed once per process and date."""


def timeline_entry(row: asyncpg.Record) -> TimelineEntry:
    type_name = row["type"]
    view = _VIEWS.get(type_name)
    if view is None:
        raise ValueError(f"{type_name} is not a timeline fact")
    fact = view.decode(row["fact"])
    evidence = located(fact.evidence, row["offsets"])
    occurred, date_from = fact.occurred, "own"
    if occurred is None:  # a statement dated by its meeting
        occurred, date_from = _meeting_occurred.decode(row["meeting_occurred"]), "meeting"
    earliest, latest, precision = _date_range(occurred.date)
    return TimelineEntry(
        event_id=row["event_id"],
        position=row["position"],
        evidence=evidence,
        source_ids=_source_ids(evidence),
        state=row["state"],
        corrections=decode_corrections(row["corrections"]),
        retraction=decode_retraction(row["retraction"]),
        recorded_at=row["recorded_at"],
        date=occurred.date,
        precision=precision,
        earliest=earliest,
        latest=latest,
        approximate=occurred.approximate,
        original_words=occurred.original,
        date_from=date_from,
        type=type_name,
        roles=list(row["roles"]),
        **_describe(fact, row["announcement"]),
    )


def _source_ids(evidence: list[LocatedEvidence]) -> list[str]:
    if len(evidence) == 1:  # most facts: no generator to run
        return [evidence[0].source_id]
    return list(dict.fromkeys(e.source_id for e in evidence))


def _describe(fact: _Fact, announcement_json: str | None) -> dict[str, Any]:
    """The subject, title, summary, kind, status, meeting and participants of one fact."""
    if isinstance(fact, _Statement):
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
                    members=speaker.members,
                )
            ],
        )
    if isinstance(fact, _Meeting):
        organiser = Participant(kind="agency", id=fact.organiser, role="organiser")
        attendees = [Participant(kind=a.kind, id=a.id, role="attendee") for a in fact.attendees]
        return _fields(
            Subject(kind="meeting", id=fact.meeting_id),
            (fact.title_ko, fact.title_en),
            (fact.summary_ko, fact.summary_en),
            kind=fact.kind,
            meeting_id=fact.meeting_id,
            participants=[organiser, *attendees],
            place=fact.place,
        )
    if isinstance(fact, _Announcement):
        return _fields(
            Subject(kind="initiative", id=fact.initiative_id),
            (fact.title_ko, fact.title_en),
            (fact.summary_ko, fact.summary_en),
            kind=fact.kind,
            status=fact.status,
            participants=[Participant(kind="agency", id=fact.agency, role="responsible")],
        )
    assert isinstance(fact, _StatusChange)
    announcement = _announcement_view.decode(announcement_json) if announcement_json else {}
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


def _fields(
    subject: Subject,
    title: tuple[str | None, str | None],
    summary: tuple[str | None, str | None],
    *,
    kind: str | None = None,
    status: str | None = None,
    meeting_id: str | None = None,
    participants: list[Participant],
    place: events.Place | None = None,
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
        "place": place,
    }
