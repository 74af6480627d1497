"""Sources, each with the facts it supports and the exact quotes they take from it."""

from __future__ import annotations

import uuid

import asyncpg
import msgspec

import events
from service.queries.common import FactRecord, State, decode_fact, fact_columns, record_fields


class SupportedFact(msgspec.Struct, kw_only=True):
    """One quote a fact takes from the source (a fact quoting it twice appears twice)."""

    event_id: uuid.UUID
    type: str
    stream_id: str
    position: int
    quote: str
    state: State


class Source(FactRecord, kw_only=True):
    source_id: str
    title: str
    publisher: str | None
    url: str | None
    language: str
    published: events.Occurred | None
    kind: str
    sha256: str
    note: str | None
    text: str
    facts: list[SupportedFact]


async def get_source(connection: asyncpg.Connection, source_id: str) -> Source | None:
    row = await connection.fetchrow(
        f"SELECT {fact_columns('s')} FROM sources AS s WHERE s.source_id = $1", source_id
    )
    if row is None:
        return None
    fact = decode_fact(row)
    assert isinstance(fact, events.SourceRegistered)
    return Source(
        **record_fields(row, fact),
        source_id=fact.source_id,
        title=fact.title,
        publisher=fact.publisher,
        url=fact.url,
        language=fact.language,
        published=fact.published,
        kind=fact.kind,
        sha256=fact.sha256,
        note=fact.note,
        text=fact.text,
        facts=await _supported(connection, source_id),
    )


async def _supported(connection: asyncpg.Connection, source_id: str) -> list[SupportedFact]:
    rows = await connection.fetch(
        """SELECT f.event_id, f.type, f.stream_id, f.position, f.state, e.quote
           FROM source_facts AS f
           CROSS JOIN LATERAL jsonb_array_elements(f.fact -> 'evidence') WITH ORDINALITY
               AS item (evidence, number)
           CROSS JOIN LATERAL (SELECT item.evidence ->> 'quote' AS quote) AS e
           WHERE f.source_ids @> ARRAY[$1::text] AND item.evidence ->> 'source_id' = $1
           ORDER BY f.position, item.number""",
        source_id,
    )
    return [SupportedFact(**dict(row)) for row in rows]
