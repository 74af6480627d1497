"""The timeline read model: one entry per fact per agency involved.

An agency is involved in a fact as the organiser or an attendee named in ``meeting.held`` (an
agency among its ``attendees``; not through the people who attended), as the responsible agency
(``initiative.announced`` and, through the announcement, ``initiative.status_changed``), or for
``statement.made`` as the speaker (the agency itself, or an agency a speaking person is
affiliated with) and as host (the organiser of the meeting where it was said). The lookups go
through the fact view, so a correction of a person, a meeting or an announcement moves the
entries of the facts that refer to it.
"""

from __future__ import annotations

from collections import defaultdict

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView
from service.read_models.dates import sort_columns
from service.read_models.search import fact_texts, search_columns
from service.read_models.statements import speaker_ids

COLUMNS = (
    "agency_id", "event_id", "roles", "type", "state",
    "earliest", "latest", "precision_rank", "position", "search_text",
)


def entries(
    view: FactView, fact: Fact, involved: dict[str, set[str]], titles: tuple[str | None, ...] = ()
) -> Rows:
    """The rows of a timeline fact: one entry for each agency ``involved`` (agency -> its
    roles). ``titles``: what the entry is titled by besides the fact's own texts (a status
    change by its initiative's announcement), so that a search finds it by the title it shows."""
    dates = sort_columns(view, fact)
    search = search_columns([*titles, *fact_texts(fact.value)])
    for agency_id, roles in involved.items():
        yield "timeline_entries", (
            agency_id, fact.event_id, sorted(roles), fact.type, fact.state, *dates, fact.position,
            *search,
        )


def meeting_held(view: FactView, fact: Fact) -> Rows:
    meeting = fact.value
    involved: dict[str, set[str]] = defaultdict(set)
    involved[meeting.organiser].add("organiser")
    for attendee in meeting.attendees:
        if attendee.kind == "agency":
            involved[attendee.id].add("attendee")
    yield from entries(view, fact, involved)


def initiative_announced(view: FactView, fact: Fact) -> Rows:
    yield from entries(view, fact, {fact.value.agency: {"responsible"}})


def status_changed(view: FactView, fact: Fact) -> Rows:
    announcement = view.entity(fact.stream_id)
    if announcement is not None:
        initiative = announcement.value
        yield from entries(
            view, fact, {initiative.agency: {"responsible"}}, (initiative.title_ko, initiative.title_en)
        )


def statement_made(view: FactView, fact: Fact) -> Rows:
    statement = fact.value
    involved: dict[str, set[str]] = defaultdict(set)
    for agency_id in speaker_ids(statement, "agency"):
        involved[agency_id].add("speaker")
    for person_id in speaker_ids(statement, "person"):
        person = view.entity(f"person-{person_id}")
        if person is not None:
            for affiliation in person.value.affiliations:
                if affiliation.kind == "agency":
                    involved[affiliation.id].add("speaker")
    if statement.meeting:
        meeting = view.entity(f"meeting-{statement.meeting}")
        if meeting is not None:
            involved[meeting.value.organiser].add("host")
    yield from entries(view, fact, involved)


PROJECTION = Projection(
    name="timeline",
    tables={"timeline_entries": COLUMNS},
    handlers={
        "meeting.held": meeting_held,
        "initiative.announced": initiative_announced,
        "initiative.status_changed": status_changed,
        "statement.made": statement_made,
    },
    looks_up=frozenset({"person", "meeting", "initiative"}),
)
