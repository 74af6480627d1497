"""Atom feeds: an agency's timeline facts and every agency's, newest first (by when the service
recorded them), ``POLICY_TIMELINE_FEED_ENTRIES`` at most."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast

import asyncpg
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

import events
from service.exports import atom
from service.exports.wording import Heading
from service.http.openapi import answers
from service.http.read_params import one_or_404
from service.queries.common import decode_fact, entity_row
from service.queries.feed import FeedItem, recent_facts, source_urls
from service.settings import Settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@get("/feed.atom", tags=["feeds"], media_type=atom.MEDIA_TYPE, responses=answers())
async def all_agencies_feed(
    pool: NamedDependency[asyncpg.Pool], settings: NamedDependency[Settings]
) -> Response[bytes]:
    """The latest timeline facts of every agency, each once."""
    async with pool.acquire() as connection:
        items = await recent_facts(connection, None, settings.feed_entries)
        urls = await _source_urls(connection, items)
    base = _base(settings)
    head = atom.FeedHead(
        id=atom.stable_id("feed"),
        title="정부 AI 정책 타임라인 · Government AI policy timeline",
        self_url=f"{base}/feed.atom",
        alternate_url=f"{base}/agencies",
        updated=EPOCH,
    )
    return _answer(head, items, base, urls)


@get(
    "/agencies/{agency_id:str}/feed.atom",
    tags=["feeds"],
    media_type=atom.MEDIA_TYPE,
    responses=answers(404),
)
async def agency_feed(
    agency_id: FromPath[str],
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
) -> Response[bytes]:
    """The latest facts of the agency's timeline."""

    async def feed_of(
        connection: asyncpg.Connection, agency_id: str
    ) -> tuple[asyncpg.Record, list[FeedItem], dict[str, str | None]] | None:
        agency = await entity_row(connection, "agencies", "agency_id", agency_id, None)
        if agency is None:
            return None
        items = await recent_facts(connection, agency_id, settings.feed_entries)
        return agency, items, await _source_urls(connection, items)

    agency, items, urls = await one_or_404(pool, "agency", agency_id, feed_of)
    registered = cast(events.AgencyRegistered, decode_fact(agency))
    names = Heading(agency_id, registered.name_ko, registered.name_en, registered.short_en)
    base = _base(settings)
    head = atom.FeedHead(
        id=f"urn:uuid:{agency['event_id']}",
        title=f"{names.title()} — 타임라인 timeline",
        self_url=f"{base}/agencies/{agency_id}/feed.atom",
        alternate_url=f"{base}/agencies/{agency_id}/timeline",
        updated=agency["recorded_at"],
    )
    return _answer(head, items, base, urls)


async def _source_urls(connection: asyncpg.Connection, items: list[FeedItem]) -> dict[str, str | None]:
    return await source_urls(connection, sorted({s for i in items for s in i.entry.source_ids}))


def _answer(
    head: atom.FeedHead, items: list[FeedItem], base: str, urls: Mapping[str, str | None]
) -> Response[bytes]:
    return Response(atom.feed(head, items, base, urls), media_type=atom.MEDIA_TYPE)


def _base(settings: Settings) -> str:
    """POLICY_TIMELINE_PUBLIC_URL, or nothing: links relative to the feed's own address. Never
    from the request's Host header, which the client chooses."""
    return settings.public_url or ""
