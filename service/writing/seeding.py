"""Appending the seed article and its facts, through the same checks as any other append."""

from __future__ import annotations

import itertools

import msgspec

from events.seed import SeedEvent, load_seed
from service import database
from service.settings import Settings
from service.store import PostgresEventStore
from service.store.lookups import is_empty
from service.writing.appender import Appender
from service.writing.command import AppendCommand, ProposedEvent

SEED_APPENDER = "seed"
"""``appended_by`` of the seed's events."""


class SeedReport(msgspec.Struct, kw_only=True):
    streams: int
    events: int
    appended: int
    """Events stored by this run; 0 when the seed was already there."""


async def seed(appender: Appender, seed_events: list[SeedEvent] | None = None) -> SeedReport:
    """Append every seed event, a batch per stream. Ids are fixed, so a second run appends
    nothing: each batch is answered as a retry of the first."""
    seed_events = load_seed() if seed_events is None else seed_events
    streams = appended = 0
    for stream_id, group in itertools.groupby(seed_events, key=lambda event: event.stream_id):
        batch = [
            ProposedEvent(
                id=event.id,
                type=event.type,
                data=msgspec.json.decode(event.data),
                metadata=msgspec.json.decode(event.metadata),
            )
            for event in group
        ]
        command = AppendCommand(
            stream_id=stream_id, expected_version="any", events=batch, appended_by=SEED_APPENDER
        )
        result = await appender.append(command)
        streams += 1
        if not result.duplicate:
            appended += len(batch)
    return SeedReport(streams=streams, events=len(seed_events), appended=appended)


async def seed_database(
    database_url: str, settings: Settings, *, only_if_empty: bool = False
) -> SeedReport | None:
    """Seed the migrated database at ``database_url``; None when ``only_if_empty`` and the
    store has events already (whatever they are, the article is not forced on them)."""
    pool = await database.create_pool(database_url, settings)
    try:
        if only_if_empty and not await is_empty(pool):
            return None
        store = PostgresEventStore(pool, notify_channel=settings.notify_channel)
        report = await seed(Appender(store, pool))
        await store.notifier.flush()
        return report
    finally:
        await pool.close()
