"""What the log already holds that a batch refers to, read for the checks.

Every check looks at the event log itself, not at a projection, so a fact can refer to an
entity the moment the entity's registration is acknowledged.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

import events
from service.store import read_events_by_id
from service.store.lookups import amendments_of, stream_openings


@dataclass
class Target:
    """An event that a correction or retraction points at, as the log has amended it."""

    stream_id: str
    type: str
    fact: events.Event | None
    """The fact as already corrected; None when the target is not a fact."""
    retracted: bool = False


@dataclass
class KnownFacts:
    streams: set[str] = field(default_factory=set)
    source_texts: dict[str, str] = field(default_factory=dict)
    targets: dict[uuid.UUID, Target] = field(default_factory=dict)


async def load_known(connection: asyncpg.Connection, facts: Sequence[events.Event]) -> KnownFacts:
    references = [ref for fact in facts for ref in fact.references()]
    streams = sorted({ref.stream_id for ref in references if ref.stream_id})
    target_ids = sorted({uuid.UUID(ref.id) for ref in references if ref.kind == "event"})
    known = KnownFacts()
    if streams:
        for row in await stream_openings(connection, streams):
            known.streams.add(row["stream_id"])
            if row["type"] == "source.registered":
                known.source_texts[row["stream_id"].removeprefix("source-")] = row["text"]
    if target_ids:
        for event in await read_events_by_id(connection, target_ids):
            fact = None
            if event.type in events.EVENT_TYPES and event.type not in events.AMENDING_TYPES:
                fact = events.decode_stored(event.type, event.schema_version, event.data)
            known.targets[event.event_id] = Target(event.stream_id, event.type, fact)
        await _apply_stored_amendments(connection, known.targets)
    return known


async def _apply_stored_amendments(
    connection: asyncpg.Connection, targets: dict[uuid.UUID, Target]
) -> None:
    """Bring each target fact up to date with the corrections and retraction already stored,
    so a new correction is checked against the fact as the read models show it."""
    facts = [(target.stream_id, str(event_id)) for event_id, target in targets.items() if target.fact]
    for row in await amendments_of(connection, facts):
        target = targets[uuid.UUID(row["target"])]
        if row["type"] == "fact.retracted":
            target.retracted = True
            continue
        correction = events.decode_stored(row["type"], row["schema_version"], row["data"])
        try:
            target.fact = events.apply_changes(target.fact, correction.changes)
        except events.InvalidEvent:
            # Only a log written before corrections were checked in sequence has one; the
            # read models skip it as well, so the checks do too.
            continue
