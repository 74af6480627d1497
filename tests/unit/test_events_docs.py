"""docs/events.md shows each event type with an example that decodes."""

from __future__ import annotations

import uuid

import msgspec

import events
from events.seed import load_seed

SEED_DATA = {line.type: [] for line in load_seed()}
for _line in load_seed():
    SEED_DATA[_line.type].append(msgspec.json.decode(_line.data))
SEED_IDS = {line.id: line for line in load_seed()}


def test_every_type_is_documented_with_an_example(all_docs_examples) -> None:
    assert {tag for tag, _ in all_docs_examples} == set(events.EVENT_TYPES)


def test_an_example_decodes(docs_example: tuple[str, str]) -> None:
    tag, text = docs_example
    assert tag == events.decode_event(tag, text).TYPE


def test_an_example_of_a_seeded_type_is_a_seed_event(docs_example: tuple[str, str]) -> None:
    tag, text = docs_example
    if tag in SEED_DATA:
        assert msgspec.json.decode(text) in SEED_DATA[tag]


def test_an_illustrated_correction_targets_a_seed_event_and_applies_to_it(all_docs_examples) -> None:
    for tag, text in all_docs_examples:
        if tag in ("fact.corrected", "fact.retracted"):
            amendment = events.decode_event(tag, text)
            target = SEED_IDS[uuid.UUID(str(amendment.target))]
            if tag == "fact.corrected":
                events.apply_changes(events.decode_event(target.type, target.data), amendment.changes)
