"""Initiatives: searched and paged in the order of their announcements, and one by id with
its history, now or as known at an instant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import asyncpg
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.http.openapi import answers
from service.http.read_params import (
    AN_ID,
    EntityId,
    ListQuery,
    Search,
    entity_filter,
    filtered_by,
    one_or_404,
    search,
)
from service.queries.initiatives import (
    InitiativeDetail,
    InitiativePage,
    get_initiative,
    initiative_page,
)
from service.queries.paging import SortKey


def initiative_filters(
    agency: Annotated[
        str | None, QueryParameter(description="the responsible agency's id", **AN_ID)
    ] = None,
    q: Search = None,
) -> dict[str, Any]:
    return {"agency_id": entity_filter("agency", agency), "q": search(q)}


class InitiativeController(Controller):
    path = "/initiatives"
    tags = ["read models"]

    @get("/", responses=answers(422), dependencies=filtered_by(initiative_filters))
    async def list_initiatives(
        self, pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
    ) -> InitiativePage:
        """Initiatives with their current status, in the timeline order of their announcements;
        ``q`` keeps those whose titles, summary, status notes or evidence quotes contain it."""
        listing = list_query.page_list("initiatives")
        after = list_query.after(listing, SortKey)
        async with pool.acquire() as connection:
            page = await initiative_page(
                connection, **list_query.filters, after=after, limit=list_query.limit,
                as_of=list_query.as_of,
            )
        return listing.paged(page)

    @get("/{initiative_id:str}", responses=answers(404))
    async def get_initiative(
        self,
        initiative_id: EntityId,
        pool: NamedDependency[asyncpg.Pool],
        as_of_instant: NamedDependency[datetime | None],
    ) -> InitiativeDetail:
        """The initiative's current status and every announcement and status change."""
        return await one_or_404(
            pool, "initiative", initiative_id, get_initiative, as_of=as_of_instant
        )
