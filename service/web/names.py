"""The names of the actors and meetings that a page refers to by id, read with the read-model
queries (as known at the same instant as the rest of the page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from service.queries.agencies import Agency, get_agency
from service.queries.meetings import get_meeting
from service.queries.organizations import get_organization
from service.queries.people import Person, get_person
from service.queries.timeline import TimelineEntry
from service.web.values import references

Names = dict[str, tuple[str, str]]
"""``"kind:id"`` to the Korean and English name; ``"title:id"`` to a person's post (the title of
their first affiliation), which the page writes after the name of a speaker."""

_LOOKUPS = {
    "agency": get_agency, "person": get_person, "organization": get_organization,
    "meeting": get_meeting,
}


def key(kind: str, entity_id: str | None) -> str:
    return f"{kind}:{entity_id}"


async def names_for(
    connection: asyncpg.Connection,
    entries: Sequence[TimelineEntry],
    agencies: Iterable[Agency],
    as_of: datetime | None,
    also: Iterable[tuple[str, str]] = (),
) -> Names:
    """The names of what ``entries`` refer to, and of ``also`` (``(kind, id)`` pairs)."""
    names: Names = {key("agency", a.agency_id): (a.name_ko, a.name_en) for a in agencies}
    for entry in entries:
        if entry.type == "meeting.held":
            names[key("meeting", entry.subject.id)] = (entry.title_ko or "", entry.title_en or "")
    return await look_up(connection, {*_wanted(entries), *also}, as_of, names)


async def look_up(
    connection: asyncpg.Connection,
    wanted: Iterable[tuple[str, str]],
    as_of: datetime | None,
    names: Names | None = None,
) -> Names:
    """``names`` with the names of the ``(kind, id)`` pairs it does not hold yet."""
    names = {} if names is None else names
    for kind, entity_id in sorted(wanted):
        if key(kind, entity_id) in names or kind not in _LOOKUPS:
            continue
        found = await _LOOKUPS[kind](connection, entity_id, as_of)
        if found is not None:
            title_ko = getattr(found, "name_ko", None) or getattr(found, "title_ko", None) or ""
            title_en = getattr(found, "name_en", None) or getattr(found, "title_en", None) or ""
            names[key(kind, entity_id)] = (title_ko, title_en)
            if isinstance(found, Person) and found.affiliations:
                post = found.affiliations[0]
                names[key("title", entity_id)] = (post.title_ko, post.title_en or "")
    return names


def actors(records: Iterable[Any]) -> set[tuple[str, str]]:
    """The ``(kind, id)`` of every actor a participant, speaker or reference names."""
    wanted: set[tuple[str, str]] = set()
    for record in records:
        if record.id:
            wanted.add((record.kind, record.id))
        wanted.update((member.kind, member.id) for member in getattr(record, "members", ()))
    return wanted


def _wanted(entries: Sequence[TimelineEntry]) -> set[tuple[str, str]]:
    wanted: set[tuple[str, str]] = set()
    for entry in entries:
        if entry.meeting_id:
            wanted.add(("meeting", entry.meeting_id))
        wanted |= actors(entry.participants)
        for correction in entry.corrections:
            for values in (correction.changes, correction.previous):
                for field, value in values.items():
                    wanted.update((ref.kind, ref.id) for ref in references(field, value))
    return wanted
