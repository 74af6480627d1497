"""Appending the seed article and its facts, through the same checks as any other append.

The seed grows only at its end (errata found later are corrections appended after the facts they
correct), so a store seeded by an earlier release is brought up to date by seeding it again.
"""

from __future__ import annotations

import itertools

import msgspec

from events.seed import SeedEvent, load_seed
from service import bootstrap
from service.settings import Settings
from service.store.lookups import has_event, is_empty
from service.writing.appender import Appender
from service.writing.checks import BadFact
from service.writing.command import AppendCommand, ProposedEvent

SEED_APPENDER = "seed"
"""``appended_by`` of the seed's events."""


class SeedReport(msgspec.Struct, kw_only=True):
    streams: int
    events: int
    appended: int
    """Events stored by this run; 0 when the seed was already there."""
    refused: list[str] = []
    """Why batches were refused: a store may have amended a seed fact its own way (retracted
    it, say) before an erratum of it was published; its own history wins."""


async def seed(appender: Appender, seed_events: list[SeedEvent] | None = None) -> SeedReport:
    """Append every seed event, a batch for each run of events of one stream. Ids are fixed, so
    a second run appends nothing: each batch is answered as a retry of the first."""
    seed_events = load_seed() if seed_events is None else seed_events
    appended = 0
    refused: list[str] = []
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
        try:
            result = await appender.append(command)
        except BadFact as refusal:
            refused.append(f"{stream_id}: {refusal.detail}")
            continue
        if not result.duplicate:
            appended += len(batch)
    streams = len({event.stream_id for event in seed_events})
    return SeedReport(
        streams=streams, events=len(seed_events), appended=appended, refused=refused
    )


async def seed_database(
    database_url: str, settings: Settings, *, on_start: bool = False
) -> SeedReport | None:
    """Seed the migrated database at ``database_url``. ``on_start``: only an empty store or one
    that holds the seed already (which then receives the errata it lacks); None for any other
    store, as the article is not forced on a store that chose its own facts."""
    seed_events = load_seed()
    async with bootstrap.writing(database_url, settings) as writing:
        pool = writing.pool
        if on_start and not (await is_empty(pool) or await has_event(pool, seed_events[0].id)):
            return None
        return await seed(writing.appender, seed_events)
