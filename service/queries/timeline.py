"""An agency's timeline: its entries in timeline order, each built from the fact as corrected."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import asyncpg
import msgspec

import events
from events.base import TRUSTED
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
from service.read_models import timeline as timeline_model
from service.read_models.dates import starts_sql

Role = Literal["organiser", "attendee", "responsible", "speaker", "host"]
TIMELINE_TYPES = timeline_model.PROJECTION.handlers.keys()
"""The types of fact the timeline shows: those its read model has a handler for. How each is
shown is ``SHOWN``, at the end of this module."""


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
            # An entry sorted after the meetings it builds on sorts on a later day than its
            # own first day, at most a year later (never past its last day): the index's range,
            # and its own first day checked.
            conditions.append(
                f"e.earliest <= {query.param(min(end, date.max - MAX_SPAN) + MAX_SPAN)}::date"
            )
            ending = query.param(end)
            conditions.append(
                f"(e.earliest <= {ending}::date OR {starts_sql('e')} <= {ending}::date)"
            )
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


_occurred = msgspec.json.Decoder(events.Occurred)


def _meeting_occurred(json: str) -> events.Occurred:
    """The date of a statement's meeting, as stored (checked when it was appended)."""
    token = TRUSTED.set(True)
    try:
        return _occurred.decode(json)
    finally:
        TRUSTED.reset(token)


_date_range = functools.lru_cache(maxsize=8192)(events.date_range)
"""A page's dates repeat (and the result is immutable): parsed once per process and date."""


def timeline_entry(row: asyncpg.Record) -> TimelineEntry:
    """The entry of a row of the timeline's queries. Its fact is read as the vocabulary's
    type without the checks it passed when it was appended (``events.decode_trusted``): those
    checks (a second JSON encoding of each fact among them) were most of a timeline request's
    CPU (docs/benchmarks.md, HTTP)."""
    type_name = row["type"]
    shown = SHOWN.get(type_name)
    if shown is None:
        raise ValueError(f"{type_name} is not a timeline fact")
    fact: Any = events.decode_trusted(type_name, row["fact"])
    announcement = row["announcement"]
    announced = events.decode_trusted("initiative.announced", announcement) if announcement else None
    date_from: Literal["own", "meeting"]
    occurred, date_from = fact.occurred, "own"
    if occurred is None:  # a statement dated by its meeting
        occurred, date_from = _meeting_occurred(row["meeting_occurred"]), "meeting"
    evidence = located(fact.evidence, row["offsets"])
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
        **shown.describe(fact, announced),
    )


def _source_ids(evidence: list[LocatedEvidence]) -> list[str]:
    if len(evidence) == 1:  # most facts: no generator to run
        return [evidence[0].source_id]
    return list(dict.fromkeys(e.source_id for e in evidence))


def _statement(fact: events.StatementMade, _: None) -> dict[str, Any]:
    speaker = fact.speaker
    return entry_fields(
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


def _meeting(fact: events.MeetingHeld, _: None) -> dict[str, Any]:
    organiser = Participant(kind="agency", id=fact.organiser, role="organiser")
    attendees = [Participant(kind=a.kind, id=a.id, role="attendee") for a in fact.attendees]
    return entry_fields(
        Subject(kind="meeting", id=fact.meeting_id),
        (fact.title_ko, fact.title_en),
        (fact.summary_ko, fact.summary_en),
        kind=fact.kind,
        meeting_id=fact.meeting_id,
        participants=[organiser, *attendees],
        place=fact.place,
    )


def _announcement(fact: events.InitiativeAnnounced, _: None) -> dict[str, Any]:
    return entry_fields(
        Subject(kind="initiative", id=fact.initiative_id),
        (fact.title_ko, fact.title_en),
        (fact.summary_ko, fact.summary_en),
        kind=fact.kind,
        status=fact.status,
        participants=[Participant(kind="agency", id=fact.agency, role="responsible")],
    )


def _status_change(
    fact: events.InitiativeStatusChanged, announced: events.InitiativeAnnounced | None
) -> dict[str, Any]:
    """Titled by its initiative: the announcement as corrected (None if it is not known)."""
    return entry_fields(
        Subject(kind="initiative", id=fact.initiative_id),
        (announced.title_ko, announced.title_en) if announced else (None, None),
        (fact.note_ko, fact.note_en),
        kind=announced.kind if announced else None,
        status=fact.status,
        participants=[Participant(kind="agency", id=announced.agency, role="responsible")]
        if announced
        else [],
    )


def entry_fields(
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
    """The fields of an entry that a ``Shown.describe`` gives (the rest come from the row)."""
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


@dataclass(frozen=True)
class Shown:
    """How one type of fact is shown on the timeline, the page and the exports."""

    describe: Callable[[Any, Any], dict[str, Any]]
    """``describe(fact, announced)``: the entry's subject, title, summary, kind, status,
    meeting and participants, from the fact (the vocabulary's type, as corrected) and, for a
    fact of an initiative's stream, the initiative's announcement as corrected."""
    category: str
    """How the page draws it: a key of ``service/web/labels.py`` ``CATEGORY_LABELS``, whose
    shape and colour are ``.cat-<category>`` in ``service/web/static/page.css``."""
    group: str
    """Its group in the exports (TimelineJS's ``group``)."""


SHOWN: dict[str, Shown] = {
    "meeting.held": Shown(_meeting, category="meeting", group="회의 Meetings"),
    "initiative.announced": Shown(_announcement, category="plan", group="정책 Initiatives"),
    "initiative.status_changed": Shown(
        _status_change, category="plan", group="정책 진행 Initiative status"
    ),
    "statement.made": Shown(_statement, category="statement", group="발언 Statements"),
}
"""Each type of ``TIMELINE_TYPES``, declared once (``tests/unit/test_timeline_types.py``)."""
