"""Sources in the order of their ids; each by id with its text, the facts it supports and the
exact quotes they take from it; and its text as numbered sentences, each with the facts that
cite it."""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

import asyncpg
import msgspec

import events
from service.desk.sentences import split
from service.queries.common import (
    FactRecord,
    Query,
    State,
    decode_fact,
    entity_row,
    entity_rows,
    record_fields,
)
from service.queries.offsets import span_in
from service.queries.paging import IdKey, NumberKey, next_id_cursor


class SupportedFact(msgspec.Struct, kw_only=True):
    """One quote a fact takes from the source (a fact quoting it twice appears twice)."""

    event_id: uuid.UUID
    type: str
    stream_id: str
    position: int
    quote: str
    prefix: str | None
    suffix: str | None
    start: int | None
    """Where the quote stands in the source's text: ``text[start:end]``, in code points."""
    end: int | None
    state: State
    target: uuid.UUID | None = None
    """The fact a correction or retraction amends (null for any other fact)."""


class SourceSummary(FactRecord, kw_only=True):
    """A source without its text (``GET /sources/{id}`` has it, and the facts it supports)."""

    source_id: str
    title: str
    publisher: str | None
    url: str | None
    language: str
    published: events.Occurred | None
    kind: str
    sha256: str
    note: str | None


class Source(SourceSummary, kw_only=True):
    text: str
    facts: list[SupportedFact]


class SourcePage(msgspec.Struct, kw_only=True):
    sources: list[SourceSummary]
    next_cursor: str | None


class SourceSentence(msgspec.Struct, kw_only=True):
    n: int
    """Its number in the source's text, from 1."""
    start: int
    """Where it stands in the source's text: ``text[start:end]``, in code points (``end`` is
    exclusive); the white space between sentences belongs to none."""
    end: int
    text: str
    facts: list[uuid.UUID]
    """The facts whose evidence, as corrected, lies in this sentence (wholly or in part), in
    log order: not retracted ones, and not the corrections and retractions themselves."""


class SourceSentences(msgspec.Struct, kw_only=True):
    source_id: str
    total: int
    """How many sentences the source's text has (all pages)."""
    covered: int
    """How many of them at least one fact cites (all pages)."""
    sentences: list[SourceSentence]
    next_cursor: str | None


AMENDMENTS = frozenset({"fact.corrected", "fact.retracted"})
"""They cite evidence for a change to a fact, not for a fact of their own: a sentence they
quote is not recorded by them (their target's evidence, as corrected, counts)."""


async def source_page(
    connection: asyncpg.Connection, *, after: IdKey | None = None, limit: int = 100,
    as_of: datetime | None = None,
) -> SourcePage:
    rows = await entity_rows(
        connection, "sources", "source_id", after=after and after.id, limit=limit, as_of=as_of
    )
    return SourcePage(
        sources=[SourceSummary(**_fields(row, decode_fact(row))) for row in rows[:limit]],
        next_cursor=next_id_cursor(rows, limit, "entity_id"),
    )


async def get_source(
    connection: asyncpg.Connection, source_id: str, as_of: datetime | None = None
) -> Source | None:
    row = await entity_row(connection, "sources", "source_id", source_id, as_of)
    if row is None:
        return None
    fact = cast(events.SourceRegistered, decode_fact(row))
    return Source(
        **_fields(row, fact), text=fact.text,
        facts=await _supported(connection, source_id, fact.text, as_of),
    )


async def get_sentences(
    connection: asyncpg.Connection, source_id: str, *, after: NumberKey | None = None,
    limit: int = 100, as_of: datetime | None = None,
) -> SourceSentences | None:
    """A page of the source's sentences with the facts that cite each, and the coverage of
    the whole text; None for an unknown source. Reads this source's row and its facts only."""
    row = await entity_row(connection, "sources", "source_id", source_id, as_of)
    if row is None:
        return None
    text = cast(events.SourceRegistered, decode_fact(row)).text
    every = cited_sentences(text, await _supported(connection, source_id, text, as_of))
    first = after.n if after else 0
    page = every[first:first + limit]
    return SourceSentences(
        source_id=source_id,
        total=len(every),
        covered=sum(1 for sentence in every if sentence.facts),
        sentences=page,
        next_cursor=NumberKey(page[-1].n).cursor() if first + limit < len(every) else None,
    )


def cited_sentences(text: str, facts: Sequence[SupportedFact]) -> list[SourceSentence]:
    """The sentences of ``text``, each with the facts whose quotes overlap it: those not
    retracted, and no correction or retraction (``AMENDMENTS``)."""
    sentences = split(text)
    ends = [sentence.end for sentence in sentences]
    cited: list[dict[uuid.UUID, None]] = [{} for _ in sentences]
    for fact in facts:
        if fact.type in AMENDMENTS or fact.state == "retracted" or fact.start is None or fact.end is None:
            continue
        at = bisect_right(ends, fact.start)  # the first sentence that ends after the quote starts
        while at < len(sentences) and sentences[at].start < fact.end:
            cited[at][fact.event_id] = None
            at += 1
    return [
        SourceSentence(n=s.n, start=s.start, end=s.end, text=s.text, facts=list(ids))
        for s, ids in zip(sentences, cited, strict=True)
    ]


def _fields(row: asyncpg.Record, fact: events.Event) -> dict[str, Any]:
    assert isinstance(fact, events.SourceRegistered)
    return {
        **record_fields(row, fact),
        "source_id": fact.source_id,
        "title": fact.title,
        "publisher": fact.publisher,
        "url": fact.url,
        "language": fact.language,
        "published": fact.published,
        "kind": fact.kind,
        "sha256": fact.sha256,
        "note": fact.note,
    }


async def _supported(
    connection: asyncpg.Connection, source_id: str, text: str, as_of: datetime | None
) -> list[SupportedFact]:
    query = Query(as_of)
    source = query.param(source_id)
    rows = await query.fetch(
        connection,
        f"""SELECT f.event_id, f.type, f.stream_id, f.position, f.state, e.quote, e.prefix, e.suffix,
                (f.fact ->> 'target')::uuid AS target
            FROM source_facts AS q
            {query.fact_of("q")}
            CROSS JOIN LATERAL jsonb_array_elements(f.fact -> 'evidence') WITH ORDINALITY
                AS item (evidence, number)
            CROSS JOIN LATERAL (SELECT item.evidence ->> 'quote' AS quote,
                item.evidence ->> 'prefix' AS prefix, item.evidence ->> 'suffix' AS suffix) AS e
            WHERE q.source_id = {source} AND {query.known("q")}
              AND item.evidence ->> 'source_id' = {source}
            ORDER BY f.position, item.number""",
    )
    supported = []
    for row in rows:
        span = span_in(text, row["quote"], row["prefix"], row["suffix"])
        start, end = span or (None, None)
        supported.append(SupportedFact(**dict(row), start=start, end=end))
    return supported
