"""The lists of meetings (searched, in timeline order), people, organizations and sources (in
the order of their ids), a page at a time; ``entities.py`` answers each by id."""

from __future__ import annotations

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import (
    AsOf,
    Limit,
    PageCursor,
    Search,
    id_cursor,
    instant,
    page_cursor,
    page_limit,
    search,
)
from service.queries.meetings import MeetingPage, meeting_page
from service.queries.organizations import OrganizationPage, organization_page
from service.queries.paging import PageList
from service.queries.people import PersonPage, person_page
from service.queries.sources import SourcePage, source_page
from service.settings import Settings


@get("/meetings", tags=["read models"], responses=answers(422))
async def meetings(
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    q: Search = None,
    as_of: AsOf = None,
    limit: Limit = None,
    cursor: PageCursor = None,
) -> MeetingPage:
    """Meetings by earliest day, precision, position; ``q`` keeps those whose titles, summaries
    or evidence quotes contain it. Each without its statements (``GET /meetings/{id}``)."""
    text, size, past = search(q), page_limit(limit, settings), instant(as_of)
    listing = PageList("meetings", q=text, as_of=past)
    after = page_cursor(cursor, listing)
    async with pool.acquire() as connection:
        page = await meeting_page(connection, q=text, after=after, limit=size, as_of=past)
    return listing.paged(page)


@get("/people", tags=["read models"], responses=answers(422))
async def people(
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    as_of: AsOf = None,
    limit: Limit = None,
    cursor: PageCursor = None,
) -> PersonPage:
    """People by id, with their affiliations (their statements: ``GET /people/{id}``)."""
    size, past = page_limit(limit, settings), instant(as_of)
    listing = PageList("people", as_of=past)
    after = id_cursor(cursor, listing)
    async with pool.acquire() as connection:
        page = await person_page(connection, after=after, limit=size, as_of=past)
    return listing.paged(page)


@get("/organizations", tags=["read models"], responses=answers(422))
async def organizations(
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    as_of: AsOf = None,
    limit: Limit = None,
    cursor: PageCursor = None,
) -> OrganizationPage:
    """Organizations by id (their people and statements: ``GET /organizations/{id}``)."""
    size, past = page_limit(limit, settings), instant(as_of)
    listing = PageList("organizations", as_of=past)
    after = id_cursor(cursor, listing)
    async with pool.acquire() as connection:
        page = await organization_page(connection, after=after, limit=size, as_of=past)
    return listing.paged(page)


@get("/sources", tags=["read models"], responses=answers(422))
async def sources(
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    as_of: AsOf = None,
    limit: Limit = None,
    cursor: PageCursor = None,
) -> SourcePage:
    """Sources by id, without their text (``GET /sources/{id}`` has it, and what it supports)."""
    size, past = page_limit(limit, settings), instant(as_of)
    listing = PageList("sources", as_of=past)
    after = id_cursor(cursor, listing)
    async with pool.acquire() as connection:
        page = await source_page(connection, after=after, limit=size, as_of=past)
    return listing.paged(page)
