"""People in the order of their ids, each by id with their statements."""

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
    record_fields,
)
from service.queries.paging import IdKey, next_id_cursor
from service.queries.statements import Statement, statements_where


class PersonSummary(FactRecord, kw_only=True):
    person_id: str
    name_ko: str
    name_en: str | None
    affiliations: list[events.Affiliation]


class Person(PersonSummary, kw_only=True):
    statements: list[Statement]


class PersonPage(msgspec.Struct, kw_only=True):
    people: list[PersonSummary]
    next_cursor: str | None


async def person_page(
    connection: asyncpg.Connection, *, after: IdKey | None = None, limit: int = 100,
    as_of: datetime | None = None,
) -> PersonPage:
    rows = await entity_rows(
        connection, "people", "person_id", after=after and after.id, limit=limit, as_of=as_of
    )
    return PersonPage(
        people=[PersonSummary(**_fields(row)) for row in rows[:limit]],
        next_cursor=next_id_cursor(rows, limit, "entity_id"),
    )


async def get_person(
    connection: asyncpg.Connection, person_id: str, as_of: datetime | None = None
) -> Person | None:
    row = await entity_row(connection, "people", "person_id", person_id, as_of)
    if row is None:
        return None
    return Person(**_fields(row), statements=await _statements(connection, person_id, as_of))


def _fields(row: asyncpg.Record) -> dict[str, Any]:
    fact = decode_fact(row)
    assert isinstance(fact, events.PersonRegistered)
    return {
        **record_fields(row, fact),
        "person_id": fact.person_id,
        "name_ko": fact.name_ko,
        "name_en": fact.name_en,
        "affiliations": list(fact.affiliations),
    }


async def _statements(
    connection: asyncpg.Connection, person_id: str, as_of: datetime | None
) -> list[Statement]:
    query = Query(as_of)
    speaker = query.param(person_id)
    return await statements_where(connection, query, f"s.speaker_ids @> ARRAY[{speaker}::text]")
