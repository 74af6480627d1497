"""The lists of meetings (searched, in timeline order), people, organizations and sources (in
the order of their ids), a page at a time; ``entities.py`` answers each by id."""

from __future__ import annotations

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import ListQuery, filtered_by, searched
from service.queries.meetings import MeetingPage, meeting_page
from service.queries.organizations import OrganizationPage, organization_page
from service.queries.paging import IdKey, SortKey
from service.queries.people import PersonPage, person_page
from service.queries.sources import SourcePage, source_page


@get("/meetings", tags=["read models"], responses=answers(422), dependencies=filtered_by(searched))
async def meetings(
    pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
) -> MeetingPage:
    """Meetings by earliest day, precision, position; ``q`` keeps those whose titles, summaries
    or evidence quotes contain it. Each without its statements (``GET /meetings/{id}``)."""
    listing = list_query.page_list("meetings")
    after = list_query.after(listing, SortKey)
    async with pool.acquire() as connection:
        page = await meeting_page(
            connection, **list_query.filters, after=after, limit=list_query.limit,
            as_of=list_query.as_of,
        )
    return listing.paged(page)


@get("/people", tags=["read models"], responses=answers(422))
async def people(
    pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
) -> PersonPage:
    """People by id, with their affiliations (their statements: ``GET /people/{id}``)."""
    listing = list_query.page_list("people")
    after = list_query.after(listing, IdKey)
    async with pool.acquire() as connection:
        page = await person_page(
            connection, after=after, limit=list_query.limit, as_of=list_query.as_of
        )
    return listing.paged(page)


@get("/organizations", tags=["read models"], responses=answers(422))
async def organizations(
    pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
) -> OrganizationPage:
    """Organizations by id (their people and statements: ``GET /organizations/{id}``)."""
    listing = list_query.page_list("organizations")
    after = list_query.after(listing, IdKey)
    async with pool.acquire() as connection:
        page = await organization_page(
            connection, after=after, limit=list_query.limit, as_of=list_query.as_of
        )
    return listing.paged(page)


@get("/sources", tags=["read models"], responses=answers(422))
async def sources(
    pool: NamedDependency[asyncpg.Pool], list_query: NamedDependency[ListQuery]
) -> SourcePage:
    """Sources by id, without their text (``GET /sources/{id}`` has it, and what it supports)."""
    listing = list_query.page_list("sources")
    after = list_query.after(listing, IdKey)
    async with pool.acquire() as connection:
        page = await source_page(
            connection, after=after, limit=list_query.limit, as_of=list_query.as_of
        )
    return listing.paged(page)
