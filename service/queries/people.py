"""People, each with their affiliations and statements."""

from __future__ import annotations

from datetime import datetime

import asyncpg

import events
from service.queries.common import FactRecord, Query, decode_fact, entity_row, record_fields
from service.queries.statements import Statement, statements_where


class Person(FactRecord, kw_only=True):
    person_id: str
    name_ko: str
    name_en: str | None
    affiliations: list[events.Affiliation]
    statements: list[Statement]


async def get_person(
    connection: asyncpg.Connection, person_id: str, as_of: datetime | None = None
) -> Person | None:
    row = await entity_row(connection, "people", "person_id", person_id, as_of)
    if row is None:
        return None
    fact = decode_fact(row)
    assert isinstance(fact, events.PersonRegistered)
    return Person(
        **record_fields(row, fact),
        person_id=fact.person_id,
        name_ko=fact.name_ko,
        name_en=fact.name_en,
        affiliations=list(fact.affiliations),
        statements=await _statements(connection, person_id, as_of),
    )


async def _statements(
    connection: asyncpg.Connection, person_id: str, as_of: datetime | None
) -> list[Statement]:
    query = Query(as_of)
    speaker = query.param(person_id)
    return await statements_where(connection, query, f"s.speaker_ids @> ARRAY[{speaker}::text]")
