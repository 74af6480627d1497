"""What the timeline page shows, read with the read-model queries: the agencies, the chosen
agency's timeline placed on an axis, and its initiatives with their histories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from service.queries.agencies import Agency, list_agencies
from service.queries.initiatives import InitiativeDetail, get_initiative, initiative_page
from service.queries.timeline import SHOWN, TimelineEntry, timeline_page
from service.read_models.search import MIN_QUERY, normalized
from service.web.axis import Axis, Placement, Tick
from service.web.labels import CATEGORY_LABELS, category_types
from service.web.names import Names, names_for

MAX_ENTRIES = 1000
"""The most entries one page draws (the API's largest page)."""
FOUND_PER_AGENCY = 50
"""The most entries the home page's search lists for one agency (its timeline has them all)."""


@dataclass(frozen=True)
class Filters:
    agency: str | None = None
    categories: tuple[str, ...] = ()
    """Empty: every category."""
    role: str | None = None
    """The agency's part in the entries (``AGENCY_ROLES``); none: every entry."""
    q: str | None = None
    as_of: datetime | None = None

    @property
    def search(self) -> str | None:
        """``q`` as the API's search takes it, or None for no search (under two characters)."""
        if self.q and len(normalized(self.q)) >= MIN_QUERY:
            return normalized(self.q)
        return None

    @property
    def types(self) -> list[str] | None:
        if not self.categories:
            return None
        return [t for category in self.categories for t in category_types(category)]


@dataclass(frozen=True)
class Placed:
    entry: TimelineEntry
    category: str
    placement: Placement


@dataclass(frozen=True)
class Found:
    """The entries of one agency's timeline that the home page's search found."""

    agency: Agency
    entries: list[tuple[str, TimelineEntry]]
    """Each with its category."""
    more: bool
    """More than ``FOUND_PER_AGENCY`` match: the agency's page lists them all."""


@dataclass
class HomePage:
    filters: Filters
    agencies: list[Agency]
    agency: Agency | None = None
    entries: list[Placed] = field(default_factory=list)
    total: int = 0
    """Entries before the search box's filter."""
    truncated: bool = False
    ticks: list[Tick] = field(default_factory=list)
    initiatives: list[InitiativeDetail] = field(default_factory=list)
    names: Names = field(default_factory=dict)
    categories: dict[str, tuple[str, str]] = field(default_factory=lambda: CATEGORY_LABELS)
    found: list[Found] | None = None
    """Without an agency, with a search: what it found, agency by agency."""


class UnknownAgency(LookupError):
    pass


async def home_page(connection: asyncpg.Connection, filters: Filters) -> HomePage:
    agencies = (await list_agencies(connection, filters.as_of, limit=MAX_ENTRIES)).agencies
    page = HomePage(filters=filters, agencies=agencies)
    if filters.agency is None:
        if filters.search is not None:
            page.found = await _found(connection, agencies, filters)
        return page
    page.agency = next((a for a in agencies if a.agency_id == filters.agency), None)
    if page.agency is None:
        raise UnknownAgency(filters.agency)
    timeline = await timeline_page(
        connection, filters.agency, types=filters.types, role=filters.role, limit=MAX_ENTRIES,
        as_of=filters.as_of,
    )
    page.total = len(timeline.entries)
    page.truncated = timeline.next_cursor is not None
    # The axis spans every entry of the chosen types, so a search does not move it.
    axis = Axis.around([(e.earliest, e.latest) for e in timeline.entries])
    page.ticks = axis.ticks()
    shown = timeline.entries
    if filters.search is not None:
        # The API's own search (an index, Korean substrings included).
        shown = (await timeline_page(
            connection, filters.agency, types=filters.types, role=filters.role, q=filters.search,
            limit=MAX_ENTRIES, as_of=filters.as_of,
        )).entries
    page.entries = [
        Placed(
            entry, SHOWN[entry.type].category, axis.place(entry.earliest, entry.latest, entry.precision)
        )
        for entry in shown
    ]
    page.initiatives = await _initiatives(connection, filters.agency, filters.search, filters.as_of)
    meetings = {("meeting", m) for initiative in page.initiatives for m in initiative.meetings}
    page.names = await names_for(connection, timeline.entries, agencies, filters.as_of, meetings)
    return page


async def _found(
    connection: asyncpg.Connection, agencies: Sequence[Agency], filters: Filters
) -> list[Found]:
    """The search on every agency's timeline (one query an agency with entries), the agencies
    with a match in their order."""
    found = []
    for agency in agencies:
        if not agency.counts.timeline_entries:
            continue
        timeline = await timeline_page(
            connection, agency.agency_id, types=filters.types, q=filters.search,
            limit=FOUND_PER_AGENCY, as_of=filters.as_of,
        )
        if timeline.entries:
            entries = [(SHOWN[e.type].category, e) for e in timeline.entries]
            found.append(Found(agency, entries, timeline.next_cursor is not None))
    return found


async def _initiatives(
    connection: asyncpg.Connection, agency_id: str, q: str | None, as_of: datetime | None
) -> list[InitiativeDetail]:
    """The agency's initiatives; ``q``: those whose history contains it (the API's search)."""
    listed = (
        await initiative_page(connection, agency_id=agency_id, q=q, limit=MAX_ENTRIES, as_of=as_of)
    ).initiatives
    details: Sequence[InitiativeDetail | None] = [
        await get_initiative(connection, initiative.initiative_id, as_of) for initiative in listed
    ]
    return [detail for detail in details if detail is not None]
