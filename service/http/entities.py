"""One meeting, person, organization or source by id."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import EntityId, one_or_404
from service.queries.meetings import Meeting, get_meeting
from service.queries.organizations import Organization, get_organization
from service.queries.people import Person, get_person
from service.queries.sources import Source, get_source


@get("/meetings/{meeting_id:str}", tags=["read models"], responses=answers(404))
async def meeting(
    meeting_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    as_of_instant: NamedDependency[datetime | None],
) -> Meeting:
    """A meeting with the statements made there."""
    return await one_or_404(pool, "meeting", meeting_id, get_meeting, as_of=as_of_instant)


@get("/people/{person_id:str}", tags=["read models"], responses=answers(404))
async def person(
    person_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    as_of_instant: NamedDependency[datetime | None],
) -> Person:
    """A person with their affiliations and statements."""
    return await one_or_404(pool, "person", person_id, get_person, as_of=as_of_instant)


@get("/organizations/{organization_id:str}", tags=["read models"], responses=answers(404))
async def organization(
    organization_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    as_of_instant: NamedDependency[datetime | None],
) -> Organization:
    """An organization with its people and statements."""
    return await one_or_404(
        pool, "organization", organization_id, get_organization, as_of=as_of_instant
    )


@get("/sources/{source_id:str}", tags=["read models"], responses=answers(404))
async def source(
    source_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    as_of_instant: NamedDependency[datetime | None],
) -> Source:
    """A source's text, and each quote that a fact takes from it."""
    return await one_or_404(pool, "source", source_id, get_source, as_of=as_of_instant)
