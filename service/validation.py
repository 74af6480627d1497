"""The checks a fact must pass before it is appended: its stream, its references, its evidence.

Every check looks at the event log itself, not at a projection, so a fact can refer to an
entity the moment the entity's registration is acknowledged.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

import events
from service.store import RecordedEvent, read_events_by_id
from service.store.lookups import stream_openings


class BadFact(Exception):
    """A fact that is well-formed JSON but not a valid event (HTTP 422)."""

    def __init__(self, detail: str, slug: str = "invalid-event", **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.slug = slug
        self.extra = extra


# The events that bring an entity into being: each must be the first event of its stream.
CREATING_TYPES = frozenset(
    {
        "source.registered",
        "agency.registered",
        "organization.registered",
        "person.registered",
        "initiative.announced",
        "meeting.held",
        "statement.made",
    }
)
AMENDING_TYPES = frozenset({"fact.corrected", "fact.retracted"})


@dataclass
class KnownFacts:
    """What the log already holds that a batch refers to."""

    streams: set[str] = field(default_factory=set)
    source_texts: dict[str, str] = field(default_factory=dict)
    targets: dict[uuid.UUID, RecordedEvent] = field(default_factory=dict)


def decode_batch(batch: Sequence[tuple[str, dict]]) -> list[events.Event]:
    """Each (type, data) as a fact of the vocabulary, or BadFact naming the event and field."""
    facts = []
    for index, (type_name, data) in enumerate(batch):
        try:
            facts.append(events.convert_event(type_name, data))
        except events.UnknownEventType:
            known = ", ".join(sorted(events.EVENT_TYPES))
            raise BadFact(
                f"events[{index}]: unknown event type {type_name!r}; known types: {known}",
                "unknown-event-type",
                event_index=index,
            ) from None
        except events.InvalidEvent as error:
            raise BadFact(f"events[{index}]: {error.message}", event_index=index) from None
    return facts


def check_stream_membership(stream_id: str, facts: Sequence[events.Event]) -> None:
    for index, fact in enumerate(facts):
        belongs_to = fact.stream_id()
        if belongs_to is not None and belongs_to != stream_id:
            raise BadFact(
                f"events[{index}]: a {fact.TYPE} for this entity belongs to stream "
                f"{belongs_to!r}, not {stream_id!r}",
                "wrong-stream",
                event_index=index,
                expected_stream_id=belongs_to,
            )
        if fact.TYPE in CREATING_TYPES and index > 0:
            raise BadFact(
                f"events[{index}]: {fact.TYPE} creates {stream_id!r} and must be its first event",
                "wrong-stream",
                event_index=index,
            )


async def load_known(
    connection: asyncpg.Connection, facts: Sequence[events.Event]
) -> KnownFacts:
    references = [ref for fact in facts for ref in fact.references()]
    streams = sorted({ref.stream_id for ref in references if ref.stream_id})
    targets = sorted({uuid.UUID(ref.id) for ref in references if ref.kind == "event"})
    known = KnownFacts()
    if streams:
        for row in await stream_openings(connection, streams):
            known.streams.add(row["stream_id"])
            if row["type"] == "source.registered":
                known.source_texts[row["stream_id"].removeprefix("source-")] = row["text"]
    if targets:
        stored = await read_events_by_id(connection, targets)
        known.targets = {event.event_id: event for event in stored}
    return known


def check_references(
    stream_id: str, facts: Sequence[events.Event], known: KnownFacts
) -> None:
    """Every id a fact points at must be registered (before, or earlier in this batch)."""
    created = {fact.stream_id() for fact in facts if fact.TYPE in CREATING_TYPES}
    for index, fact in enumerate(facts):
        for ref in fact.references():
            if ref.kind == "event":
                continue
            if ref.stream_id not in known.streams and ref.stream_id not in created:
                raise BadFact(
                    f"events[{index}]: unknown {ref.kind} {ref.id!r}: register it first "
                    f"(stream {ref.stream_id!r})",
                    "unknown-reference",
                    event_index=index,
                    missing={"kind": ref.kind, "id": ref.id},
                )


def check_amendments(stream_id: str, facts: Sequence[events.Event], known: KnownFacts) -> None:
    """A correction or retraction goes into its target's stream, and a correction must leave a
    valid fact of the target's type."""
    for index, fact in enumerate(facts):
        if fact.TYPE not in AMENDING_TYPES:
            continue
        target = known.targets.get(fact.target)
        if target is None:
            raise BadFact(
                f"events[{index}]: unknown target event {fact.target}",
                "unknown-reference",
                event_index=index,
                missing={"kind": "event", "id": str(fact.target)},
            )
        if target.stream_id != stream_id:
            raise BadFact(
                f"events[{index}]: a {fact.TYPE} goes into its target's stream "
                f"{target.stream_id!r}, not {stream_id!r}",
                "wrong-stream",
                event_index=index,
                expected_stream_id=target.stream_id,
            )
        if target.type in AMENDING_TYPES or target.type not in events.EVENT_TYPES:
            raise BadFact(
                f"events[{index}]: only facts can be amended, not a {target.type}",
                "invalid-event",
                event_index=index,
            )
        if fact.TYPE == "fact.corrected":
            original = events.decode_event(target.type, target.data)
            try:
                events.apply_changes(original, fact.changes)
            except events.InvalidEvent as error:
                raise BadFact(f"events[{index}]: {error.message}", event_index=index) from None


def check_evidence(facts: Sequence[events.Event], known: KnownFacts, *, importing: bool) -> None:
    """Each quote must be an exact substring of its source's registered text."""
    texts = dict(known.source_texts)
    for fact in facts:
        if fact.TYPE == "source.registered":
            texts[fact.source_id] = fact.text
    for index, fact in enumerate(facts):
        for number, evidence in enumerate(getattr(fact, "evidence", ())):
            text = texts.get(evidence.source_id)
            if text is None:
                if importing:
                    continue  # the source may come later in the imported log
                raise BadFact(
                    f"events[{index}].evidence[{number}]: unknown source {evidence.source_id!r}",
                    "unknown-reference",
                    event_index=index,
                    missing={"kind": "source", "id": evidence.source_id},
                )
            if not events.quote_in_text(evidence.quote, text):
                raise BadFact(
                    f"events[{index}].evidence[{number}]: the quote is not in source "
                    f"{evidence.source_id!r} exactly as given: {evidence.quote!r}",
                    "quote-not-in-source",
                    event_index=index,
                    source_id=evidence.source_id,
                    quote=evidence.quote,
                )

