"""Organizations in the order of their ids, each by id with its people and statements."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

import events
from service.queries.common import (
    FactRecord,
    Query,
    decode_fact,
    entity_row,
    entity_rows,
    fact_columns,
    record_fields,
)
from service.queries.paging import IdKey, next_id_cursor
from service.queries.statements import Statement, statements_where


class Member(msgspec.Struct, kw_only=True):
    """A person affiliated with the organization, with their title there."""

    person_id: str
    name_ko: str
    name_en: str | None
    title_ko: str
    title_en: str | None


class OrganizationSummary(FactRecord, kw_only=True):
    organization_id: str
    name_ko: str
    name_en: str | None
    kind: str
    description_ko: str | None
    description_en: str | None


class Organization(OrganizationSummary, kw_only=True):
    people: list[Member]
    statements: list[Statement]
    """By the organization, by a group it is a named member of, or by its people."""


class OrganizationPage(msgspec.Struct, kw_only=True):
    organizations: list[OrganizationSummary]
    next_cursor: str | None


async def organization_page(
    connection: asyncpg.Connection, *, after: IdKey | None = None, limit: int = 100,
    as_of: datetime | None = None,
) -> OrganizationPage:
    rows = await entity_rows(
        connection, "organizations", "organization_id", after=after and after.id, limit=limit,
        as_of=as_of,
    )
    return OrganizationPage(
        organizations=[OrganizationSummary(**_fields(row)) for row in rows[:limit]],
        next_cursor=next_id_cursor(rows, limit, "entity_id"),
    )


async def get_organization(
    connection: asyncpg.Connection, organization_id: str, as_of: datetime | None = None
) -> Organization | None:
    row = await entity_row(connection, "organizations", "organization_id", organization_id, as_of)
    if row is None:
        return None
    people = await _people(connection, organization_id, as_of)
    speakers = [organization_id, *(member.person_id for member in people)]
    return Organization(
        **_fields(row), people=people, statements=await _statements(connection, speakers, as_of)
    )


def _fields(row: asyncpg.Record) -> dict[str, Any]:
    fact = decode_fact(row)
    assert isinstance(fact, events.OrganizationRegistered)
    return {
        **record_fields(row, fact),
        "organization_id": fact.organization_id,
        "name_ko": fact.name_ko,
        "name_en": fact.name_en,
        "kind": fact.kind,
        "description_ko": fact.description_ko,
        "description_en": fact.description_en,
    }


async def _people(
    connection: asyncpg.Connection, organization_id: str, as_of: datetime | None
) -> list[Member]:
    query = Query(as_of)
    rows = await query.fetch(
        connection,
        f"""SELECT {fact_columns("f")} FROM people AS p {query.fact_of("p")}
            WHERE p.affiliation_ids @> ARRAY[{query.param(organization_id)}::text]
              AND {query.known("p")}
            ORDER BY p.person_id""",
    )
    members = []
    for row in rows:
        person = decode_fact(row)
        assert isinstance(person, events.PersonRegistered)
        for affiliation in person.affiliations:
            if affiliation.kind == "organization" and affiliation.id == organization_id:
                members.append(
                    Member(
                        person_id=person.person_id,
                        name_ko=person.name_ko,
                        name_en=person.name_en,
                        title_ko=affiliation.title_ko,
                        title_en=affiliation.title_en,
                    )
                )
    return members


async def _statements(
    connection: asyncpg.Connection, speakers: list[str], as_of: datetime | None
) -> list[Statement]:
    query = Query(as_of)
    speaking = query.param(speakers)
    return await statements_where(connection, query, f"s.speaker_ids && {speaking}::text[]")
