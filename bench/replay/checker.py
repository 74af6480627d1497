"""Checking the generated log without a database: what the append path would check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec

import events
from bench.replay.world import Row, Target, event_uuid


class Checker:
    """Decodes every event with the vocabulary and checks what the append path checks: the
    stream, references registered earlier, quotes exactly in their source's text, corrections
    that give a valid fact in the target's stream, stream versions without gaps, no event in a
    stream whose opening fact is retracted."""

    def __init__(self, salt: int) -> None:
        self.salt = salt
        self.streams: set[str] = set()
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.event_ids: set[int] = set()
        self.openings: dict[str, int] = {}
        """Stream -> the id of its first event (the fact that opened it)."""
        self.retracted: set[int] = set()
        self.checked = 0

    def check(self, rows: Sequence[Row], targets: dict[int, Target], first_seq: int) -> None:
        for offset, (event_id, stream_id, version, type_, _, data, metadata) in enumerate(rows):
            fact = events.decode_event(type_, data)
            if events.encode_event_data(fact) != data:
                raise AssertionError(f"not canonical: {type_} {data[:200]!r}")
            msgspec.json.decode(metadata)
            expected = self.versions.get(stream_id, 0) + 1
            if version != expected:
                raise AssertionError(f"{stream_id}: version {version}, expected {expected}")
            self.versions[stream_id] = version
            own = fact.stream_id()
            if own is not None and own != stream_id:
                raise AssertionError(f"{type_} in {stream_id}, belongs to {own}")
            if version == 1 and own is None:
                raise AssertionError(f"{type_} opens stream {stream_id}")
            if self.openings.get(stream_id) in self.retracted:
                raise AssertionError(f"{type_} in {stream_id}, whose opening fact is retracted")
            for ref in fact.references():
                if ref.kind == "event":
                    if uuid.UUID(ref.id).int not in self.event_ids:
                        raise AssertionError(f"{type_}: unknown target {ref.id}")
                elif ref.stream_id not in self.streams:
                    raise AssertionError(f"{type_} {stream_id}: unknown {ref.kind} {ref.id}")
            for evidence in getattr(fact, "evidence", ()):
                if not events.quote_in_text(evidence.quote, self.texts[evidence.source_id]):
                    raise AssertionError(f"{stream_id}: quote not in {evidence.source_id}")
            if type_ in ("fact.corrected", "fact.retracted"):
                target = targets[first_seq + offset]
                if target.stream_id != stream_id or event_uuid(self.salt, target.seq) != fact.target:
                    raise AssertionError(f"{type_} not in its target's stream")
                if type_ == "fact.corrected":
                    events.apply_changes(events.decode_event(target.type, target.data), fact.changes)
            if type_ == "fact.retracted":
                self.retracted.add(fact.target.int)
            if isinstance(fact, events.SourceRegistered):
                self.texts[fact.source_id] = fact.text
            if version == 1:
                self.streams.add(stream_id)
                self.openings[stream_id] = event_id.int
            self.event_ids.add(event_id.int)
            self.checked += 1

