"""Agencies, their timelines and their initiatives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from service.http.problems import problem
from service.http.read_params import (
    AsOf,
    Limit,
    PageCursor,
    Search,
    id_cursor,
    instant,
    is_entity_id,
    one_of,
    page_cursor,
    page_limit,
    period,
    search,
)
from service.queries.agencies import Agency, AgencyList, agency_exists, get_agency, list_agencies
from service.queries.initiatives import AgencyInitiatives, initiative_page
from service.queries.timeline import TIMELINE_TYPES, TimelinePage, timeline_page
from service.settings import Settings

REDUCED_DATE = "YYYY, YYYY-MM or YYYY-MM-DD"


def agency_not_found(agency_id: str) -> Exception:
    return problem(404, "agency-not-found", f"no agency {agency_id!r}")


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

    @get("/")
    async def list_agencies(
        self,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> AgencyList:
        """Agencies by id with their counts and latest activity (``as_of``: as known then)."""
        after = id_cursor(cursor)
        size = page_limit(limit, settings)
        past = instant(as_of)
        async with pool.acquire() as connection:
            return await list_agencies(connection, past, after=after, limit=size)

    @get("/{agency_id:str}")
    async def get_agency(
        self, agency_id: FromPath[str], pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
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

    @get("/{agency_id:str}/timeline")
    async def timeline(
        self,
        agency_id: FromPath[str],
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        from_: Annotated[str | None, QueryParameter(name="from", description=REDUCED_DATE)] = None,
        to: Annotated[str | None, QueryParameter(description=REDUCED_DATE)] = None,
        type_: Annotated[
            list[str] | None, QueryParameter(name="type", description="an event type; repeatable")
        ] = None,
        q: Search = None,
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> TimelinePage:
        """The agency's entries by earliest day, then precision (year, month, day), then position.

        ``from``/``to`` keep the entries whose days overlap the period; ``type`` (repeatable)
        keeps those event types; ``q`` those whose titles, texts, summaries or evidence quotes
        contain it; ``as_of`` answers as the service knew it at that instant.
        """
        start, end = period(from_, to)
        types = one_of("type", type_, TIMELINE_TYPES)
        text = search(q)
        after = page_cursor(cursor)
        size = page_limit(limit, settings)
        past = instant(as_of)
        async with pool.acquire() as connection:
            await known(connection, agency_id, past)
            return await timeline_page(
                connection, agency_id, start=start, end=end, types=types, q=text, after=after,
                limit=size, as_of=past,
            )

    @get("/{agency_id:str}/initiatives")
    async def initiatives(
        self,
        agency_id: FromPath[str],
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
        after = page_cursor(cursor)
        size = page_limit(limit, settings)
        past = instant(as_of)
        async with pool.acquire() as connection:
            await known(connection, agency_id, past)
            page = await initiative_page(
                connection, agency_id=agency_id, q=text, after=after, limit=size, as_of=past
            )
        return AgencyInitiatives(
            agency_id=agency_id, initiatives=page.initiatives, next_cursor=page.next_cursor
        )
