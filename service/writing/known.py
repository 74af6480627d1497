"""What the log already holds that a batch refers to, read for the checks.

Every check looks at the event log itself, not at a projection, so a fact can refer to an
entity the moment the entity's registration is acknowledged.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import asyncpg

import events
from service.store import read_events_by_id
from service.store.lookups import amendments_of, stream_openings

Batch = Sequence[tuple[uuid.UUID, events.Event]]
"""A batch's events: each one's id and its fact."""


@dataclass(frozen=True)
class Target:
    """An event that a correction or retraction points at, as the log has corrected it."""

    stream_id: str
    type: str
    fact: events.Event | None
    """The fact as already corrected; None when the target is not a fact."""


@dataclass
class KnownFacts:
    """The part of the log that a batch's checks read: stored events, and then, as the checks
    go through the batch, its events one by one (``record``)."""

    openings: dict[str, uuid.UUID] = field(default_factory=dict)
    """The first event of each stream looked up (the fact that created its entity): an entity
    is registered when its stream has one."""
    source_texts: dict[str, str] = field(default_factory=dict)
    targets: dict[uuid.UUID, Target] = field(default_factory=dict)
    retractions: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    """A retracted event's id -> the id of the retraction."""

    def copy(self) -> KnownFacts:
        return KnownFacts(
            dict(self.openings), dict(self.source_texts), dict(self.targets), dict(self.retractions)
        )

    def record(
        self, event_id: uuid.UUID, stream_id: str, fact: events.Event,
        corrected: events.Event | None = None,
    ) -> None:
        """The log with ``fact`` appended to ``stream_id``; for a correction, ``corrected`` is
        the fact it leaves."""
        if fact.TYPE in events.CREATING_TYPES:
            self.openings.setdefault(stream_id, event_id)
        if isinstance(fact, events.SourceRegistered):
            self.source_texts[fact.source_id] = fact.text
        if isinstance(fact, events.FactRetracted):
            self.retractions[fact.target] = event_id
        if corrected is not None and isinstance(fact, events.FactCorrected):
            self.targets[fact.target] = dataclasses.replace(self.targets[fact.target], fact=corrected)
        amends = fact.TYPE in events.AMENDING_TYPES
        self.targets[event_id] = Target(stream_id, fact.TYPE, None if amends else fact)


async def load_known(connection: asyncpg.Connection, stream_id: str, batch: Batch) -> KnownFacts:
    """What the batch's events refer to, and the opening of ``stream_id`` (a status change
    continues an entity that must be there and not retracted). Amendments of the batch that an
    earlier try stored are left out, so that a retry is checked as its first try was."""
    facts = [fact for _, fact in batch]
    own = [event_id for event_id, _ in batch]
    references = [ref for fact in facts for ref in fact.references()]
    streams = {ref.stream_id for ref in references if ref.stream_id} | {stream_id}
    target_ids = sorted({uuid.UUID(ref.id) for ref in references if ref.kind == "event"})
    known = KnownFacts()
    await _load_streams(connection, known, streams)
    if target_ids:
        for event in await read_events_by_id(connection, target_ids):
            fact = None
            if event.type in events.EVENT_TYPES and event.type not in events.AMENDING_TYPES:
                fact = events.decode_stored(event.type, event.schema_version, event.data)
            known.targets[event.event_id] = Target(event.stream_id, event.type, fact)
    # Whether the stream's entity is retracted matters to a batch that continues it only.
    continues = any(fact.TYPE not in events.CREATING_TYPES for fact in facts)
    await _apply_stored_amendments(connection, known, stream_id if continues else None, own)
    # What a correction leaves may refer to entities that nothing in the batch names itself.
    more = {
        ref.stream_id for fact in _corrected_facts(known, stream_id, batch)
        for ref in fact.references() if ref.stream_id
    } - streams
    await _load_streams(connection, known, more)
    return known


async def _load_streams(connection: asyncpg.Connection, known: KnownFacts, streams: set[str]) -> None:
    if not streams:
        return
    for row in await stream_openings(connection, sorted(streams)):
        known.openings[row["stream_id"]] = row["event_id"]
        if row["type"] == "source.registered":
            known.source_texts[row["stream_id"].removeprefix("source-")] = row["text"]


async def _apply_stored_amendments(
    connection: asyncpg.Connection, known: KnownFacts, continued: str | None,
    leave_out: Sequence[uuid.UUID],
) -> None:
    """Bring each target fact up to date with the corrections already stored, and note the
    retractions of the targets and of the opening of the ``continued`` stream, so that a new
    correction is checked against the fact as the read models show it."""
    amended = [
        (target.stream_id, str(event_id)) for event_id, target in known.targets.items() if target.fact
    ]
    if continued in known.openings:
        amended.append((continued, str(known.openings[continued])))
    for row in await amendments_of(connection, amended, leave_out):
        target_id = uuid.UUID(row["target"])
        if row["type"] == "fact.retracted":
            known.retractions[target_id] = row["event_id"]
            continue
        target = known.targets.get(target_id)
        if target is None or target.fact is None:
            continue  # an opening that is not a target: only its retraction matters
        correction = cast(
            events.FactCorrected,
            events.decode_stored(row["type"], row["schema_version"], row["data"]),
        )
        try:
            corrected = events.apply_changes(target.fact, correction.changes)
        except events.InvalidEvent:
            # Only a log written before corrections were checked in sequence has one; the
            # read models skip it as well, so the checks do too.
            continue
        known.targets[target_id] = dataclasses.replace(target, fact=corrected)


def _corrected_facts(known: KnownFacts, stream_id: str, batch: Batch) -> list[events.Event]:
    """The facts that the batch's corrections would leave, where they apply: only to find what
    they refer to (the checks refuse those that do not apply)."""
    log = known.copy()
    found = []
    for event_id, fact in batch:
        corrected = None
        target = log.targets.get(fact.target) if isinstance(fact, events.FactCorrected) else None
        if isinstance(fact, events.FactCorrected) and target is not None and target.fact is not None:
            try:
                corrected = events.apply_changes(target.fact, fact.changes)
                found.append(corrected)
            except events.InvalidEvent:
                pass
        log.record(event_id, stream_id, fact, corrected)
    return found
