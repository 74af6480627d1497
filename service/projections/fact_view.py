"""The fact view: every fact as corrected, the state that projection handlers read.

A rebuild holds the view of the whole log in memory; the live path loads, for each batch, the
facts that the batch needs from the ``facts`` table (``loading.py``). Either way handlers see
the same thing: each fact's current JSON and typed value, its corrections and retraction, the
fact that created each entity (``entity("person-oh-young-ju")``), and which facts look an
entity up (``referrers``), so that a change to that entity reaches them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import msgspec

import events
from events import CREATING_TYPES

_json_object = msgspec.json.Decoder(dict[str, Any])
_encode = msgspec.json.Encoder(order="deterministic").encode


class Fact:
    """One fact as it stands now. ``json`` is its current data (the data as recorded, with the
    ``changes`` of every correction merged over its top-level fields)."""

    __slots__ = (
        "event_id", "stream_id", "position", "type", "recorded_at", "json", "corrections",
        "retraction", "lookups", "_value",
    )

    def __init__(
        self,
        *,
        event_id: uuid.UUID,
        stream_id: str,
        position: int,
        type: str,
        recorded_at: datetime,
        json: str,
        corrections: list[dict[str, Any]] | None = None,
        retraction: dict[str, Any] | None = None,
        lookups: tuple[str, ...] = (),
        value: events.Event | None = None,
    ) -> None:
        self.event_id = event_id
        self.stream_id = stream_id
        self.position = position
        self.type = type
        self.recorded_at = recorded_at
        self.json = json
        self.corrections = corrections or []
        self.retraction = retraction
        self.lookups = lookups
        self._value = value

    @property
    def value(self) -> Any:
        """The fact decoded into its vocabulary type (kept once decoded)."""
        if self._value is None:
            self._value = events.decode_trusted(self.type, self.json)
        return self._value

    def forget_value(self) -> None:
        """Drop the decoded value to save memory; ``value`` decodes it again when asked."""
        self._value = None

    @property
    def state(self) -> str:
        if self.retraction is not None:
            return "retracted"
        return "corrected" if self.corrections else "active"

    @property
    def entity(self) -> str | None:
        """The stream of the entity this fact creates, if it creates one."""
        return self.stream_id if self.type in CREATING_TYPES else None


def entity_kind(stream_id: str) -> str:
    """``person`` for ``person-oh-young-ju``: entity streams are named <kind>-<id>."""
    return stream_id.split("-", 1)[0]


def lookups_of(type_: str, stream_id: str, value: events.Event, kinds: frozenset[str]) -> tuple[str, ...]:
    """The entity streams of the given kinds that a fact refers to: a statement's speakers and
    meeting; and the entity a fact continues (its own stream: a status change's initiative)."""
    if not kinds:
        return ()
    # The links only: evidence points at sources, which no handler looks up.
    streams = [ref.stream_id for ref in value._links() if ref.kind in kinds]
    if (
        type_ not in CREATING_TYPES
        and type_ not in events.AMENDING_TYPES
        and entity_kind(stream_id) in kinds
    ):
        streams.append(stream_id)
    return tuple(dict.fromkeys(s for s in streams if s is not None))


class FactView:
    """Facts by event id, entities by stream, and the facts that look each entity up."""

    def __init__(self, lookup_kinds: frozenset[str] = frozenset()) -> None:
        self.lookup_kinds = lookup_kinds
        self.facts: dict[uuid.UUID, Fact] = {}
        self.entities: dict[str, Fact] = {}
        # Who refers to each entity, as event ids packed 16 bytes each: a rebuild keeps one
        # for every reference in the log (a set of UUIDs took ~140 bytes a reference). An id
        # stays when a correction moves its fact away: readers check the fact's lookups.
        self._referrers: dict[str, bytearray] = {}

    def __len__(self) -> int:
        return len(self.facts)

    def get(self, event_id: uuid.UUID) -> Fact | None:
        return self.facts.get(event_id)

    def entity(self, stream_id: str) -> Fact | None:
        """The fact that created the entity of ``stream_id`` (``person-oh-young-ju``)."""
        return self.entities.get(stream_id)

    def referrers(self, stream_id: str) -> Iterator[Fact]:
        """The facts in view that look up the entity of ``stream_id``, in log order."""
        found = {
            fact.event_id: fact
            for fact in map(self.facts.get, self.referrer_ids(stream_id))
            if fact is not None and stream_id in fact.lookups
        }
        return iter(sorted(found.values(), key=lambda fact: fact.position))

    def has_referrers(self, fact: Fact) -> bool:
        """Whether facts already refer to the entity this fact creates (a log out of order)."""
        return fact.entity is not None and bool(self._referrers.get(fact.entity))

    def is_looked_up(self, fact: Fact) -> bool:
        """Whether handlers read this fact through the view (keep its decoded value)."""
        return fact.entity is not None and entity_kind(fact.entity) in self.lookup_kinds

    def referrer_ids(self, stream_id: str) -> set[uuid.UUID]:
        """The ids of the facts that look up (or once looked up) the entity of ``stream_id``,
        in view or not."""
        packed = self._referrers.get(stream_id, b"")
        return {uuid.UUID(bytes=bytes(packed[i:i + 16])) for i in range(0, len(packed), 16)}

    def release(self, fact: Fact) -> bool:
        """Forget a fact that nothing will need soon (a rebuild's memory): an amendment, or a
        fact that refers to an amended entity, loads it again (``reload``). Who refers to what
        is kept. Whether it was in view."""
        return self.facts.pop(fact.event_id, None) is not None

    def keep(self, fact: Fact) -> Fact:
        """Add a fact (recorded now, or loaded as it stands) and what it refers to."""
        self.reload(fact)
        for stream_id in fact.lookups:
            self._link(stream_id, fact.event_id)
        return fact

    def reload(self, fact: Fact) -> Fact:
        """Add back a released fact: what it refers to is known already."""
        self.facts[fact.event_id] = fact
        if fact.entity is not None and self.is_looked_up(fact):
            self.entities[fact.entity] = fact
        return fact

    def load(self, event: Any) -> Fact:
        """A released, never amended fact from its event."""
        value = events.decode_stored_trusted(event.type, event.schema_version, event.data)
        return self.reload(self._fact(event, value))

    def record(self, event: Any, value: events.Event) -> Fact:
        """A new fact from its event (a ``RecordedEvent``) and its decoded value."""
        return self.keep(self._fact(event, value))

    def _fact(self, event: Any, value: events.Event) -> Fact:
        return Fact(
            event_id=event.event_id,
            stream_id=event.stream_id,
            position=event.position,
            type=event.type,
            recorded_at=event.recorded_at,
            json=bytes(events.current_data(event.type, event.schema_version, event.data)).decode(),
            lookups=lookups_of(event.type, event.stream_id, value, self.lookup_kinds),
            value=value,
        )

    def amend(self, event: Any, amendment: events.FactCorrected | events.FactRetracted) -> Fact | None:
        """Apply a correction or retraction to its target; the target, or None if not in view.

        Raises ``events.InvalidEvent`` when the corrected fact does not decode into its type.
        It is decoded as trusted (``events.decode_trusted``): the append path checked the
        correction as the fact it produces, so only a log written past those checks has one.
        """
        target = self.facts.get(amendment.target)
        if target is None:
            return None
        evidence = msgspec.to_builtins(amendment.evidence)
        if isinstance(amendment, events.FactRetracted):
            target.retraction = {
                "event_id": str(event.event_id), "reason": amendment.reason,
                "evidence": evidence, "recorded_at": event.recorded_at.isoformat(),
            }
            return target
        data = _json_object.decode(target.json)
        changes = dict(amendment.changes)
        previous = {key: data.get(key) for key in changes}
        # The write side applies the same rule to decoded facts (events.apply_changes), and
        # refused a correction that leaves no valid fact or moves it to another stream.
        text = _encode(events.corrected_data(data, changes)).decode()
        value = events.decode_trusted(target.type, text)
        target.corrections = [*target.corrections, {
            "event_id": str(event.event_id), "changes": changes, "previous": previous,
            "reason": amendment.reason, "evidence": evidence,
            "recorded_at": event.recorded_at.isoformat(),
        }]
        target.json = text
        target._value = value
        self._relink(target, lookups_of(target.type, target.stream_id, value, self.lookup_kinds))
        return target

    def _relink(self, fact: Fact, lookups: tuple[str, ...]) -> None:
        for stream_id in lookups:
            if stream_id not in fact.lookups:
                self._link(stream_id, fact.event_id)
        fact.lookups = lookups

    def _link(self, stream_id: str, event_id: uuid.UUID) -> None:
        self._referrers.setdefault(stream_id, bytearray()).extend(event_id.bytes)
