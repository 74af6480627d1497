"""What the timeline page shows, read with the read-model queries: the agencies, the chosen
agency's timeline placed on an axis, and its initiatives with their histories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from service.queries.agencies import Agency, list_agencies
from service.queries.initiatives import InitiativeDetail, get_initiative, initiative_page
from service.queries.timeline import TimelineEntry, timeline_page
from service.web.axis import Axis, Placement, Tick
from service.web.labels import CATEGORIES, CATEGORY_LABELS, CATEGORY_TYPES
from service.web.names import Names, names_for
from service.read_models.search import MIN_QUERY, normalized

MAX_ENTRIES = 1000
"""The most entries one page draws (the API's largest page)."""


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
    def types(self) -> list[str] | None:
        if not self.categories:
            return None
        return [t for category in self.categories for t in CATEGORY_TYPES[category]]


@dataclass(frozen=True)
class Placed:
    entry: TimelineEntry
    category: str
    placement: Placement


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


class UnknownAgency(LookupError):
    pass


async def home_page(connection: asyncpg.Connection, filters: Filters) -> HomePage:
    agencies = (await list_agencies(connection, filters.as_of, limit=MAX_ENTRIES)).agencies
    page = HomePage(filters=filters, agencies=agencies)
    if filters.agency is None:
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
    if filters.q and len(normalized(filters.q)) >= MIN_QUERY:
        # The API's own search (an index, Korean substrings included).
        shown = (await timeline_page(
            connection, filters.agency, types=filters.types, role=filters.role,
            q=normalized(filters.q), limit=MAX_ENTRIES, as_of=filters.as_of,
        )).entries
    page.entries = [
        Placed(entry, CATEGORIES[entry.type], axis.place(entry.earliest, entry.latest, entry.precision))
        for entry in shown
    ]
    page.initiatives = await _initiatives(connection, filters.agency, filters.as_of)
    page.names = await names_for(connection, timeline.entries, agencies, filters.as_of)
    return page


async def _initiatives(
    connection: asyncpg.Connection, agency_id: str, as_of: datetime | None
) -> list[InitiativeDetail]:
    listed = (
        await initiative_page(connection, agency_id=agency_id, limit=MAX_ENTRIES, as_of=as_of)
    ).initiatives
    details: Sequence[InitiativeDetail | None] = [
        await get_initiative(connection, initiative.initiative_id, as_of) for initiative in listed
    ]
    return [detail for detail in details if detail is not None]
