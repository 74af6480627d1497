"""Initiatives: searched and paged in the order of their announcements, and one by id with
its history, now or as known at an instant."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.http.openapi import answers
from service.http.read_params import (
    ENTITY_ID,
    AsOf,
    EntityId,
    Limit,
    PageCursor,
    Search,
    entity_filter,
    instant,
    is_entity_id,
    not_found,
    page_cursor,
    page_limit,
    search,
)
from service.queries.initiatives import (
    InitiativeDetail,
    InitiativePage,
    get_initiative,
    initiative_page,
)
from service.queries.paging import PageList
from service.settings import Settings


class InitiativeController(Controller):
    path = "/initiatives"
    tags = ["read models"]

    @get("/", responses=answers(422))
    async def list_initiatives(
        self,
        pool: NamedDependency[asyncpg.Pool],
        settings: NamedDependency[Settings],
        agency: Annotated[
            str | None,
            QueryParameter(
                description="the responsible agency's id",
                schema_extra={"pattern": ENTITY_ID.pattern},
            ),
        ] = None,
        q: Search = None,
        as_of: AsOf = None,
        limit: Limit = None,
        cursor: PageCursor = None,
    ) -> InitiativePage:
        """Initiatives with their current status, in the timeline order of their announcements;
        ``q`` keeps those whose titles, summary, status notes or evidence quotes contain it."""
        agency_id = entity_filter("agency", agency)
        text = search(q)
        size = page_limit(limit, settings)
        past = instant(as_of)
        listing = PageList("initiatives", agency=agency_id, q=text, as_of=past)
        after = page_cursor(cursor, listing)
        async with pool.acquire() as connection:
            page = await initiative_page(
                connection, agency_id=agency_id, q=text, after=after, limit=size, as_of=past
            )
        return listing.paged(page)

    @get("/{initiative_id:str}", responses=answers(404))
    async def get_initiative(
        self,
        initiative_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        as_of: AsOf = None,
    ) -> InitiativeDetail:
        """The initiative's current status and every announcement and status change."""
        past = instant(as_of)
        initiative = None
        if is_entity_id(initiative_id):
            async with pool.acquire() as connection:
                initiative = await get_initiative(connection, initiative_id, past)
        if initiative is None:
            raise not_found("initiative", initiative_id)
        return initiative
