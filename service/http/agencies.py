"""Agencies, their timelines and their initiatives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import asyncpg
from litestar import Controller, Request, Response, get
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.exports.wording import Heading
from service.http.exports import (
    FORMATS,
    Format,
    TimelineOperation,
    chosen_format,
    export_entries,
    export_response,
    heading,
)
from service.http.openapi import answers
from service.http.problems import problem
from service.http.read_params import (
    REDUCED_DATE,
    AgencyRole,
    EntityId,
    ListQuery,
    Search,
    filtered_by,
    one_of,
    one_or_404,
    period,
    role_filter,
    search,
    searched,
)
from service.queries.agencies import Agency, AgencyList, agency_exists, get_agency, list_agencies
from service.queries.initiatives import AgencyInitiatives, InitiativePage, initiative_page
from service.queries.paging import IdKey, SortKey
from service.queries.timeline import (
    TIMELINE_TYPES,
    TimelineEntry,
    TimelinePage,
    page_of_rows,
    timeline_rows,
)
from service.settings import Settings

A_REDUCED_DATE = {
    "description": "YYYY, YYYY-MM or YYYY-MM-DD",
    "schema_extra": {"pattern": REDUCED_DATE},
}


def timeline_filters(
    from_: Annotated[str | None, QueryParameter(name="from", **A_REDUCED_DATE)] = None,
    to: Annotated[str | None, QueryParameter(**A_REDUCED_DATE)] = None,
    type_: Annotated[
        list[str] | None,
        QueryParameter(
            name="type",
            description="an event type; repeatable",
            schema_extra={"items": {"type": "string", "enum": list(TIMELINE_TYPES)}},
        ),
    ] = None,
    role: AgencyRole = None,
    q: Search = None,
) -> dict[str, Any]:
    """The filters of a timeline, as ``timeline_rows`` and the exports take them."""
    start, end = period(from_, to)
    types = one_of("type", type_, TIMELINE_TYPES)
    return {"start": start, "end": end, "types": types, **role_filter(role), "q": search(q)}


class AgencyController(Controller):
    path = "/agencies"
    tags = ["read models"]

    @get("/", responses=answers(422))
    async def list_agencies(
        self, pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
    ) -> AgencyList:
        """Agencies by id with their counts and latest activity (``as_of``: as known then)."""
        listing = list_query.page_list("agencies")
        after = list_query.after(listing, IdKey)
        async with pool.acquire() as connection:
            page = await list_agencies(
                connection, list_query.as_of, after=after, limit=list_query.limit
            )
        return listing.paged(page)

    @get("/{agency_id:str}", responses=answers(404))
    async def get_agency(
        self,
        agency_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        as_of_instant: NamedDependency[datetime | None],
    ) -> Agency:
        """An agency's profile, counts (retracted entries left out) and latest activity."""
        return await one_or_404(pool, "agency", agency_id, get_agency, as_of=as_of_instant)

    @get(
        "/{agency_id:str}/timeline",
        responses=answers(404, 406, 422),
        response_headers=[ResponseHeader(name="Vary", value="Accept", description="the format")],
        operation_class=TimelineOperation,
        dependencies=filtered_by(timeline_filters),
    )
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        agency_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        list_query: NamedDependency[ListQuery],
        format_: Annotated[
            str | None,
            QueryParameter(
                name="format",
                enum=list(FORMATS),
                description=f"one of {', '.join(FORMATS)}; overrides Accept (application/json,"
                " text/csv, text/calendar); an export is the whole timeline: not with limit or"
                " cursor",
            ),
        ] = None,
    ) -> TimelinePage:
        """The agency's entries by earliest day, then precision (year, month, day), then position;
        an announcement that builds on meetings after them (docs/read-models.md).

        ``from``/``to`` keep the entries whose days overlap the period; ``type`` (repeatable)
        keeps those event types; ``role`` those where the agency takes that part; ``q`` those
        whose titles, texts, summaries or evidence quotes contain it; ``as_of`` answers as the
        service knew it at that instant.
        JSON pages by default; the whole timeline as TimelineJS JSON (``format=timelinejs``),
        CSV (``text/csv``, ``format=csv``) or its meetings as iCalendar (``text/calendar``,
        ``format=ics``), up to ``POLICY_TIMELINE_MAX_EXPORT_ENTRIES`` entries (422 beyond).
        """
        format_chosen = chosen_format(format_, request.accept)
        if format_chosen != "json":
            if list_query.limit_given or list_query.cursor:  # an empty cursor= is no cursor
                raise problem(
                    400, "export-not-paged",
                    "an export holds the whole timeline: limit and cursor are for the JSON pages",
                )
            return await _export(request, pool, settings, agency_id, format_chosen, list_query)  # type: ignore[return-value]  # the schema documents the JSON page
        listing = list_query.page_list("timeline", agency=agency_id)
        after = list_query.after(listing, SortKey)
        size = list_query.limit

        async def rows_of(
            connection: asyncpg.Connection, agency_id: str
        ) -> list[asyncpg.Record] | None:
            rows = await timeline_rows(
                connection, agency_id, **list_query.filters, after=after, limit=size,
                as_of=list_query.as_of,
            )
            # An agency without entries (here), or none (then: 404).
            if rows or await agency_exists(connection, agency_id, list_query.as_of):
                return rows
            return None

        rows = await one_or_404(pool, "agency", agency_id, rows_of)
        # Built after the connection is back in the pool: building 100 entries takes about
        # as long as the queries, and other requests wait for the pool's connections.
        return listing.paged(page_of_rows(agency_id, rows, size))

    @get(
        "/{agency_id:str}/initiatives",
        responses=answers(404, 422),
        dependencies=filtered_by(searched),
    )
    async def initiatives(
        self,
        agency_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        list_query: NamedDependency[ListQuery],
    ) -> AgencyInitiatives:
        """The initiatives the agency is responsible for, with their current status, in the
        timeline order of their announcements; ``q`` as for ``GET /initiatives``."""
        listing = list_query.page_list("agency initiatives", agency=agency_id)
        after = list_query.after(listing, SortKey)

        async def initiatives_of(
            connection: asyncpg.Connection, agency_id: str
        ) -> InitiativePage | None:
            if not await agency_exists(connection, agency_id, list_query.as_of):
                return None
            return await initiative_page(
                connection, agency_id=agency_id, **list_query.filters, after=after,
                limit=list_query.limit, as_of=list_query.as_of,
            )

        page = await one_or_404(pool, "agency", agency_id, initiatives_of)
        return AgencyInitiatives(
            agency_id=agency_id,
            initiatives=page.initiatives,
            next_cursor=listing.cursor(page.next_cursor),
        )


async def _export(
    request: Request[Any, Any, Any],
    pool: asyncpg.Pool,
    settings: Settings,
    agency_id: str,
    format_: Format,
    list_query: ListQuery,
) -> Response[Any]:
    """The whole timeline (to the cap) as a file, or a 404 problem for an unknown agency."""

    async def export_of(
        connection: asyncpg.Connection, agency_id: str
    ) -> tuple[Heading, list[TimelineEntry]] | None:
        agency = await heading(connection, agency_id, list_query.as_of)
        if agency is None:
            return None
        entries = await export_entries(
            connection, agency_id, format_, settings, **list_query.filters, as_of=list_query.as_of
        )
        return agency, entries

    agency, entries = await one_or_404(pool, "agency", agency_id, export_of)
    return export_response(request, format_, agency, entries)
