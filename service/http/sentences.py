"""``GET /sources/{id}/sentences``: a source's text as numbered sentences, the facts citing each,
and how much of the text the facts cover."""

from __future__ import annotations

import asyncpg
from litestar import get
from litestar.di import NamedDependency

from service.http.openapi import answers
from service.http.read_params import EntityId, ListQuery, one_or_404
from service.queries.paging import NumberKey
from service.queries.sources import SourceSentences, get_sentences


@get("/sources/{source_id:str}/sentences", tags=["read models"], responses=answers(404, 422))
async def source_sentences(
    source_id: EntityId,
    pool: NamedDependency[asyncpg.Pool],
    list_query: NamedDependency[ListQuery],
) -> SourceSentences:
    """The source's text split into sentences, in order, numbered from 1, with their offsets
    (code points; `end` exclusive) and the facts whose evidence lies in each (not retracted
    facts, nor corrections and retractions themselves); `total` and `covered` count the
    sentences of the whole text, and those that a fact cites."""
    listing = list_query.page_list("source-sentences", source_id=source_id)
    after = list_query.after(listing, NumberKey)
    found = await one_or_404(
        pool, "source", source_id, get_sentences,
        after=after, limit=list_query.limit, as_of=list_query.as_of,
    )
    return listing.paged(found)
