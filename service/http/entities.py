"""One meeting, person, organization or source by id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import AsOf, EntityId, instant, is_entity_id, not_found
from service.queries.meetings import Meeting, get_meeting
from service.queries.organizations import Organization, get_organization
from service.queries.people import Person, get_person
from service.queries.sources import Source, get_source

T = TypeVar("T")


async def one(
    pool: asyncpg.Pool,
    kind: str,
    entity_id: str,
    query: Callable[[asyncpg.Connection, str, datetime | None], Awaitable[T | None]],
    as_of: str | None,
) -> T:
    """The entity (as known ``as_of``), or a 404 problem ``/problems/<kind>-not-found``."""
    past = instant(as_of)
    if is_entity_id(entity_id):
        async with pool.acquire() as connection:
            found = await query(connection, entity_id, past)
        if found is not None:
            return found
    raise not_found(kind, entity_id)


@get("/meetings/{meeting_id:str}", tags=["read models"], responses=answers(404))
async def meeting(
    meeting_id: EntityId, pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Meeting:
    """A meeting with the statements made there."""
    return await one(pool, "meeting", meeting_id, get_meeting, as_of)


@get("/people/{person_id:str}", tags=["read models"], responses=answers(404))
async def person(
    person_id: EntityId, pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Person:
    """A person with their affiliations and statements."""
    return await one(pool, "person", person_id, get_person, as_of)


@get("/organizations/{organization_id:str}", tags=["read models"], responses=answers(404))
async def organization(
    organization_id: EntityId, pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Organization:
    """An organization with its people and statements."""
    return await one(pool, "organization", organization_id, get_organization, as_of)


@get("/sources/{source_id:str}", tags=["read models"], responses=answers(404))
async def source(
    source_id: EntityId, pool: NamedDependency[asyncpg.Pool], as_of: AsOf = None
) -> Source:
    """A source's text, and each quote that a fact takes from it."""
    return await one(pool, "source", source_id, get_source, as_of)
