"""Applying a correction, with no database: the vocabulary's rule (``events.apply_changes`` over
``events.corrected_data``: each change replaces a whole top-level field) and the fact view's
(``FactView.amend``, on the stored JSON) give the same fact."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events.seed import SOURCE_ID
from service.projections.fact_view import FactView
from service.projections.fold import Fold
from tests.unit.folding import SEED, new_event, recorded

FACTS = [e for e in SEED if e.type not in events.AMENDING_TYPES]
VALUES = {e.id: events.decode_event(e.type, e.data) for e in FACTS}
EVIDENCE = [{"source_id": SOURCE_ID, "quote": "중기부"}]


def json_of(value: Any) -> Any:
    """A value as JSON reads it back: objects as dicts, arrays as lists."""
    return msgspec.json.decode(msgspec.json.encode(value))


@st.composite
def corrections_of(draw, target: events.Event) -> dict[str, Any]:
    """Changes to up to three top-level fields (never the entity's own id), each the value of
    that field in a fact of the same type: the right shape, often another value."""
    fields = [name for name in target.__struct_fields__ if name != target.KEY]
    names = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    donors = [v for v in VALUES.values() if type(v) is type(target)]
    return {name: json_of(draw(st.sampled_from(donors)))[name] for name in names}


@st.composite
def a_target_and_changes(draw) -> tuple[Any, dict[str, Any]]:
    seed_event = draw(st.sampled_from(FACTS))
    return seed_event, draw(corrections_of(VALUES[seed_event.id]))


@settings(max_examples=200, deadline=None)
@given(a_target_and_changes())
def test_a_correction_reads_back_its_changes_and_leaves_the_other_fields(given_):
    seed_event, changes = given_
    target = VALUES[seed_event.id]
    as_new = events.corrected_data(json_of(target), changes)
    try:
        corrected = events.apply_changes(target, changes)
    except events.InvalidEvent:
        # Refused exactly when the fact it leaves would be refused as new.
        with pytest.raises(events.InvalidEvent):
            events.convert_event(seed_event.type, as_new)
        return
    assert corrected == events.convert_event(seed_event.type, as_new)
    read_back, before = json_of(corrected), json_of(target)
    for name in target.__struct_fields__:
        assert read_back[name] == (changes[name] if name in changes else before[name]), name


@st.composite
def histories(draw) -> tuple[Any, list[dict[str, Any]]]:
    """A seed fact and up to four corrections of it, one after the other."""
    seed_event = draw(st.sampled_from(FACTS))
    count = draw(st.integers(1, 4))
    return seed_event, [draw(corrections_of(VALUES[seed_event.id])) for _ in range(count)]


@settings(max_examples=150, deadline=None)
@given(histories())
def test_the_fact_view_amends_a_fact_as_the_vocabulary_corrects_it(history):
    """Each correction in turn: where the append path accepts it (``apply_changes``), the
    fact view holds the same fact, and records what each changed field was before."""
    seed_event, corrections = history
    view = FactView(frozenset({"person", "meeting", "initiative"}))
    fold = Fold((), view)
    log = [*SEED[: SEED.index(seed_event) + 1]]
    log += [
        new_event(seed_event.stream_id, "fact.corrected", {
            "target": str(seed_event.id), "changes": changes, "reason": "r", "evidence": EVIDENCE,
        }, number)
        for number, changes in enumerate(corrections)
    ]
    appended = recorded(log)
    for event in appended[: -len(corrections)]:
        fold.apply(event)
    expected = VALUES[seed_event.id]
    for event, changes in zip(appended[-len(corrections):], corrections, strict=True):
        before = msgspec.json.decode(view.get(seed_event.id).json)
        try:
            expected = events.apply_changes(expected, changes)
        except events.InvalidEvent:
            return  # the append path refuses it: no log written through it holds it
        fold.apply(event)
        fact = view.get(seed_event.id)
        assert fact.value == expected
        assert msgspec.json.decode(fact.json) == events.corrected_data(before, changes)
        assert fact.corrections[-1]["previous"] == {name: before.get(name) for name in changes}
        assert fact.state == "corrected"


def test_a_retraction_leaves_the_fact_as_it_stood_and_marks_it_retracted():
    statement = next(e for e in FACTS if e.type == "statement.made")
    log = [*SEED, new_event(statement.stream_id, "fact.retracted", {
        "target": str(statement.id), "reason": "not in the source", "evidence": EVIDENCE,
    }, 0)]
    fold = Fold((), FactView())
    *earlier, retraction = recorded(log)
    for event in earlier:
        fold.apply(event)
    fact = fold.view.get(statement.id)
    as_it_stood, state = fact.json, fact.state
    fold.apply(retraction)
    assert (fact.state, state) == ("retracted", "corrected")
    assert fact.retraction["event_id"] == str(retraction.event_id)
    assert fact.json == as_it_stood
