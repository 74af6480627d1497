"""The fold, with no database: random logs of the seed's facts, corrections, retractions, new
statements and status changes, folded into row versions by the engine's ``Fold``.

Two properties pin what the engine promises every read model: the current rows are what the
handlers make of each fact as it stands at the end (however many corrections reached it, or
reached an entity it looks up), and the rows known at any moment are the current rows of the
log up to that moment (``as_of`` is a query of versions, never a fold at request time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events.seed import SOURCE_ID
from service.read_models import PROJECTIONS
from tests.unit.folding import SEED, START, comparable, folded, new_event, rows_valid_at

FACTS = [e for e in SEED if e.type not in events.AMENDING_TYPES]
DATA: dict[str, list[dict[str, Any]]] = defaultdict(list)
for _fact in FACTS:
    DATA[_fact.type].append(msgspec.json.decode(_fact.data))
INITIATIVES = [d["initiative_id"] for d in DATA["initiative.announced"]]
EVIDENCE = [
    {"source_id": SOURCE_ID, "quote": d["evidence"][0]["quote"]} for d in DATA["statement.made"]
]
DATES = st.sampled_from(["2024", "2025-02", "2025-03", "2025-03-04", "2025-03-24", "2025-12-31"])


def data_of(event: Any) -> dict[str, Any]:
    return msgspec.json.decode(event.data)


LOOKED_UP = {
    "person.registered": ["affiliations"],
    "meeting.held": ["organiser", "occurred"],
    "initiative.announced": ["agency", "title_ko", "title_en"],
}
"""The fields of the entities that facts look up which the handlers of those facts read."""
ENTITIES = [e for e in FACTS if e.type in LOOKED_UP]
STEPS = ["correct", "correct an entity", "retract", "statement", "status"]


@st.composite
def changes_to(draw, target: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """Top-level fields of the target (of ``fields``, if given) replaced by the same field of a
    fact of its type (values of the right shape, that may name other entities), never its own
    id (its stream)."""
    key = events.EVENT_TYPES[target.type].KEY
    fields = fields or sorted(name for name in data_of(target) if name != key)
    names = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    own = data_of(target)
    return {
        name: draw(st.sampled_from([own[name], *(d[name] for d in DATA[target.type] if name in d)]))
        for name in names
    }


@st.composite
def logs(draw) -> list[Any]:
    """The seed, then up to 12 events appended after it, each correction one that leaves a
    valid fact (as the append path requires)."""
    log: list[Any] = list(SEED)
    targets: list[Any] = list(FACTS)
    facts = {event.id: events.decode_event(event.type, event.data) for event in FACTS}
    for event in SEED:
        if event.type == "fact.corrected":
            fix = events.decode_event(event.type, event.data)
            facts[fix.target] = events.apply_changes(facts[fix.target], fix.changes)
    for number in range(draw(st.integers(1, 12))):
        step = draw(st.sampled_from(STEPS))
        evidence = [draw(st.sampled_from(EVIDENCE))]
        if step.startswith("correct"):
            if step == "correct":
                target = draw(st.sampled_from(targets))
                changes = draw(changes_to(target))
            else:  # what the facts that look it up show
                target = draw(st.sampled_from(ENTITIES))
                changes = draw(changes_to(target, LOOKED_UP[target.type]))
            try:  # only what the vocabulary accepts as the fact it leaves (as the append path)
                facts[target.id] = events.apply_changes(facts[target.id], changes)
            except events.InvalidEvent:
                continue
            log.append(new_event(target.stream_id, "fact.corrected", {
                "target": str(target.id), "changes": changes,
                "reason": "a later report", "evidence": evidence,
            }, number))
        elif step == "retract":
            target = draw(st.sampled_from(targets))
            log.append(new_event(target.stream_id, "fact.retracted", {
                "target": str(target.id), "reason": "not in the source", "evidence": evidence,
            }, number))
        elif step == "statement":
            data = {**draw(st.sampled_from(DATA["statement.made"])), "statement_id": f"s-{number}"}
            for name in ("speaker", "meeting", "occurred"):
                data[name] = draw(st.sampled_from([d.get(name) for d in DATA["statement.made"]]))
            log.append(new_event(f"statement-s-{number}", "statement.made", data, number))
            targets.append(log[-1])
            facts[log[-1].id] = events.decode_event(log[-1].type, log[-1].data)
        else:
            initiative = draw(st.sampled_from(INITIATIVES))
            log.append(new_event(f"initiative-{initiative}", "initiative.status_changed", {
                "initiative_id": initiative,
                "status": draw(st.sampled_from(["in_preparation", "published", "cancelled"])),
                "occurred": {"date": draw(DATES)}, "evidence": evidence,
            }, number))
            targets.append(log[-1])
            facts[log[-1].id] = events.decode_event(log[-1].type, log[-1].data)
    return log


def handlers_rows(fold) -> dict[str, Counter]:
    """What each projection's handlers make of every fact in the fold's view, as it stands."""
    tables: dict[str, Counter] = {table: Counter() for table in fold.versions}
    view = fold.view
    for projection in PROJECTIONS:
        for fact in view.facts.values():
            if fact.type in projection.handlers:
                for table, row in projection.handlers[fact.type](view, fact):
                    tables[table][comparable(row)] += 1
    return tables


@settings(max_examples=60, deadline=None)
@given(logs())
def test_the_current_rows_are_what_the_handlers_make_of_each_fact_as_it_stands(log):
    fold = folded(log)
    assert fold.skipped == []
    assert rows_valid_at(fold) == handlers_rows(fold)


@settings(max_examples=40, deadline=None)
@given(logs(), st.data())
def test_the_rows_known_at_a_moment_are_the_current_rows_of_the_log_up_to_it(log, data):
    known = data.draw(st.integers(1, len(log)), label="events known")
    at = START + timedelta(seconds=known)  # when the last of them was recorded (folding.recorded)
    assert rows_valid_at(folded(log), at) == rows_valid_at(folded(log[:known]))


def test_the_seed_folds_without_a_skip_and_every_fact_is_in_the_facts_table():
    fold = folded(SEED)
    assert fold.skipped == []
    current = rows_valid_at(fold)
    assert sum(current["facts"].values()) == len(SEED)
    assert {row[0] for row in current["facts"]} == {event.id for event in SEED}
