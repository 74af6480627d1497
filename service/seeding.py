"""Appending the seed article and its facts, through the same checks as any other append."""

from __future__ import annotations

import itertools

import msgspec

from events.seed import SeedEvent, load_seed
from service.appending import Appender
from service.http.schemas import AppendRequest, EventBody


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
            EventBody(
                id=event.id,
                type=event.type,
                data=msgspec.json.decode(event.data),
                metadata=msgspec.json.decode(event.metadata),
            )
            for event in group
        ]
        result = await appender.append(stream_id, AppendRequest(events=batch))
        streams += 1
        if not result.duplicate:
            appended += len(batch)
    return SeedReport(streams=streams, events=len(seed_events), appended=appended)
