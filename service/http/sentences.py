"""``GET /sources/{id}/sentences``: a source's text as numbered sentences, the facts citing each,
and how much of the text the facts cover."""

from __future__ import annotations

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import (
    AsOf,
    EntityId,
    Limit,
    PageCursor,
    instant,
    is_entity_id,
    not_found,
    number_cursor,
    page_limit,
)
from service.queries.paging import PageList
from service.queries.sources import SourceSentences, get_sentences
from service.settings import Settings


@get("/sources/{source_id:str}/sentences", tags=["read models"], responses=answers(404, 422))
async def source_sentences(
    source_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    as_of: AsOf = None,
    limit: Limit = None,
    cursor: PageCursor = None,
) -> SourceSentences:
    """The source's text split into sentences, in order, numbered from 1, with their offsets
    (code points; `end` exclusive) and the facts whose evidence lies in each (not retracted
    facts, nor corrections and retractions themselves); `total` and `covered` count the
    sentences of the whole text, and those that a fact cites."""
    size, past = page_limit(limit, settings), instant(as_of)
    listing = PageList("source-sentences", source_id=source_id, as_of=past)
    after = number_cursor(cursor, listing)
    if is_entity_id(source_id):
        async with pool.acquire() as connection:
            found = await get_sentences(connection, source_id, after=after, limit=size, as_of=past)
        if found is not None:
            return listing.paged(found)
    raise not_found("source", source_id)
