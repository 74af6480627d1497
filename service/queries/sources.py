"""Sources, each with the facts it supports and the exact quotes they take from it."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import msgspec

import events
from service.queries.common import (
    FactRecord,
    Query,
    State,
    decode_fact,
    entity_row,
    record_fields,
)


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


async def get_source(
    connection: asyncpg.Connection, source_id: str, as_of: datetime | None = None
) -> Source | None:
    row = await entity_row(connection, "sources", "source_id", source_id, as_of)
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
        facts=await _supported(connection, source_id, as_of),
    )


async def _supported(
    connection: asyncpg.Connection, source_id: str, as_of: datetime | None
) -> list[SupportedFact]:
    query = Query(as_of)
    source = query.param(source_id)
    rows = await query.fetch(
        connection,
        f"""SELECT f.event_id, f.type, f.stream_id, f.position, f.state, e.quote
            FROM source_facts AS q
            {query.fact_of("q")}
            CROSS JOIN LATERAL jsonb_array_elements(f.fact -> 'evidence') WITH ORDINALITY
                AS item (evidence, number)
            CROSS JOIN LATERAL (SELECT item.evidence ->> 'quote' AS quote) AS e
            WHERE q.source_id = {source} AND {query.known("q")}
              AND item.evidence ->> 'source_id' = {source}
            ORDER BY f.position, item.number""",
    )
    return [SupportedFact(**dict(row)) for row in rows]
