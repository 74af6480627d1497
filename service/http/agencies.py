"""Agencies, their timelines and their initiatives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import asyncpg
from litestar import Controller, Request, Response, get
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.http.exports import (
    FORMATS,
    TimelineOperation,
    Format,
    chosen_format,
    export_entries,
    export_response,
    heading,
)
from service.http.openapi import answers
from service.http.problems import problem
from service.http.read_params import (
    AsOf,
    EntityId,
    Limit,
    REDUCED_DATE,
    PageCursor,
    Search,
    id_cursor,
    instant,
    is_entity_id,
    not_found,
    one_of,
    page_cursor,
    page_limit,
    period,
    search,
)
from service.queries.agencies import Agency, AgencyList, agency_exists, get_agency, list_agencies
from service.queries.initiatives import AgencyInitiatives, initiative_page
from service.queries.paging import PageList
from service.queries.timeline import TIMELINE_TYPES, TimelinePage, page_of_rows, timeline_rows
from service.settings import Settings

A_REDUCED_DATE = {
    "description": "YYYY, YYYY-MM or YYYY-MM-DD",
    "schema_extra": {"pattern": REDUCED_DATE},
}


def agency_not_found(agency_id: str) -> Exception:
    return not_found("agency", agency_id)


async def known(
    connection: asyncpg.Connection, agency_id: str, as_of: datetime | None = None
) -> str:
    """The agency id, or a 404 problem when no such agency is registered (then)."""
    if not (is_entity_id(agency_id) and await agency_exists(connection, agency_id, as_of)):
        raise agency_not_found(agency_id)
    return agency_id


class AgencyController(Controller):
    path = "/agencies"
    tags = ["read models"]

    @get("/", responses=answers(422))
    async def list_agencies(
        self,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> AgencyList:
        """Agencies by id with their counts and latest activity (``as_of``: as known then)."""
        size = page_limit(limit, settings)
        past = instant(as_of)
        listing = PageList("agencies", as_of=past)
        after = id_cursor(cursor, listing)
        async with pool.acquire() as connection:
            page = await list_agencies(connection, past, after=after, limit=size)
        return listing.paged(page)

    @get("/{agency_id:str}", responses=answers(404))
    async def get_agency(
        self, agency_id: EntityId, pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
    ) -> Agency:
        """An agency's profile, counts (retracted entries left out) and latest activity."""
        past = instant(as_of)
        agency = None
        if is_entity_id(agency_id):
            async with pool.acquire() as connection:
                agency = await get_agency(connection, agency_id, past)
        if agency is None:
            raise agency_not_found(agency_id)
        return agency

    @get(
        "/{agency_id:str}/timeline",
        responses=answers(404, 406, 422),
        response_headers=[ResponseHeader(name="Vary", value="Accept", description="the format")],
        operation_class=TimelineOperation,
    )
    async def timeline(
        self,
        request: Request,
        agency_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
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
        q: Search = None,
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
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
        """The agency's entries by earliest day, then precision (year, month, day), then position.

        ``from``/``to`` keep the entries whose days overlap the period; ``type`` (repeatable)
        keeps those event types; ``q`` those whose titles, texts, summaries or evidence quotes
        contain it; ``as_of`` answers as the service knew it at that instant.
        JSON pages by default; the whole timeline as TimelineJS JSON (``format=timelinejs``),
        CSV (``text/csv``, ``format=csv``) or its meetings as iCalendar (``text/calendar``,
        ``format=ics``), up to ``POLICY_TIMELINE_MAX_EXPORT_ENTRIES`` entries (422 beyond).
        """
        format_chosen = chosen_format(format_, request.accept)
        start, end = period(from_, to)
        types = one_of("type", type_, TIMELINE_TYPES)
        text = search(q)
        past = instant(as_of)
        if format_chosen != "json":
            if limit is not None or cursor:  # an empty cursor= is no cursor
                raise problem(
                    400, "export-not-paged",
                    "an export holds the whole timeline: limit and cursor are for the JSON pages",
                )
            return await _export(
                request, pool, settings, agency_id, format_chosen,
                start=start, end=end, types=types, q=text, as_of=past,
            )
        listing = PageList(
            "timeline", agency=agency_id, start=start, end=end, types=types, q=text, as_of=past
        )
        after = page_cursor(cursor, listing)
        size = page_limit(limit, settings)
        if not is_entity_id(agency_id):
            raise agency_not_found(agency_id)
        async with pool.acquire() as connection:
            rows = await timeline_rows(
                connection, agency_id, start=start, end=end, types=types, q=text, after=after,
                limit=size, as_of=past,
            )
            if not rows:  # an agency without entries (here), or none: 404
                await known(connection, agency_id, past)
        # Built after the connection is back in the pool: building 100 entries takes about
        # as long as the queries, and other requests wait for the pool's connections.
        return listing.paged(page_of_rows(agency_id, rows, size))

    @get("/{agency_id:str}/initiatives", responses=answers(404, 422))
    async def initiatives(
        self,
        agency_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        q: Search = None,
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> AgencyInitiatives:
        """The initiatives the agency is responsible for, with their current status, in the
        timeline order of their announcements; ``q`` as for ``GET /initiatives``."""
        text = search(q)
        size = page_limit(limit, settings)
        past = instant(as_of)
        listing = PageList("agency initiatives", agency=agency_id, q=text, as_of=past)
        after = page_cursor(cursor, listing)
        async with pool.acquire() as connection:
            await known(connection, agency_id, past)
            page = await initiative_page(
                connection, agency_id=agency_id, q=text, after=after, limit=size, as_of=past
            )
        return AgencyInitiatives(
            agency_id=agency_id,
            initiatives=page.initiatives,
            next_cursor=listing.cursor(page.next_cursor),
        )


async def _export(
    request: Request,
    pool: asyncpg.Pool,
    settings: Settings,
    agency_id: str,
    format_: Format,
    *,
    start: date | None,
    end: date | None,
    types: list[str] | None,
    q: str | None,
    as_of: datetime | None,
) -> Response:
    """The whole timeline (to the cap) as a file, or a 404 problem for an unknown agency."""
    agency = None
    if is_entity_id(agency_id):
        async with pool.acquire() as connection:
            agency = await heading(connection, agency_id, as_of)
            if agency is not None:
                entries = await export_entries(
                    connection, agency_id, format_, settings,
                    start=start, end=end, types=types, q=q, as_of=as_of,
                )
    if agency is None:
        raise agency_not_found(agency_id)
    return export_response(request, format_, agency, entries)
