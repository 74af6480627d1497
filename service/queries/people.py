"""People, each with their affiliations and statements."""

from __future__ import annotations

import asyncpg

import events
from service.queries.common import FactRecord, decode_fact, fact_columns, record_fields
from service.queries.statements import Statement, statements_where


class Person(FactRecord, kw_only=True):
    person_id: str
    name_ko: str
    name_en: str | None
    affiliations: list[events.Affiliation]
    statements: list[Statement]


async def get_person(connection: asyncpg.Connection, person_id: str) -> Person | None:
    row = await connection.fetchrow(
        f"SELECT {fact_columns('p')} FROM people AS p WHERE p.person_id = $1", person_id
    )
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
        statements=await statements_where(connection, "s.speaker_ids @> ARRAY[$1::text]", person_id),
    )
