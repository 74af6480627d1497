"""Organizations, each with the people affiliated with it and its statements."""

from __future__ import annotations

import asyncpg
import msgspec

import events
from service.queries.common import FactRecord, decode_fact, fact_columns, record_fields
from service.queries.statements import Statement, statements_where


class Member(msgspec.Struct, kw_only=True):
    """A person affiliated with the organization, with their title there."""

    person_id: str
    name_ko: str
    name_en: str | None
    title_ko: str
    title_en: str | None


class Organization(FactRecord, kw_only=True):
    organization_id: str
    name_ko: str
    name_en: str | None
    kind: str
    description_ko: str | None
    description_en: str | None
    people: list[Member]
    statements: list[Statement]
    """By the organization, by a group it is a named member of, or by its people."""


async def get_organization(
    connection: asyncpg.Connection, organization_id: str
) -> Organization | None:
    row = await connection.fetchrow(
        f"SELECT {fact_columns('o')} FROM organizations AS o WHERE o.organization_id = $1",
        organization_id,
    )
    if row is None:
        return None
    fact = decode_fact(row)
    assert isinstance(fact, events.OrganizationRegistered)
    people = await _people(connection, organization_id)
    speakers = [organization_id, *(member.person_id for member in people)]
    return Organization(
        **record_fields(row, fact),
        organization_id=fact.organization_id,
        name_ko=fact.name_ko,
        name_en=fact.name_en,
        kind=fact.kind,
        description_ko=fact.description_ko,
        description_en=fact.description_en,
        people=people,
        statements=await statements_where(connection, "s.speaker_ids && $1::text[]", speakers),
    )


async def _people(connection: asyncpg.Connection, organization_id: str) -> list[Member]:
    rows = await connection.fetch(
        f"""SELECT {fact_columns("p")} FROM people AS p
            WHERE p.affiliation_ids @> ARRAY[$1::text] ORDER BY p.person_id""",
        organization_id,
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
