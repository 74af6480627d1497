"""Every type the timeline shows (its read model's handlers) has what the entry, the page and
the exports need: a row of ``SHOWN`` (how its entry reads the fact, its category, its export
group), a category the page labels and draws, and it is a type of the vocabulary. A missing
one would be a 500 on the timeline, a KeyError on the page, a raw type in an export."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import NamedTuple

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events.seed import load_seed
from service.queries.timeline import SHOWN, TIMELINE_TYPES, timeline_entry
from service.web.labels import CATEGORY_LABELS
from tests.integration.read_models.test_corrections import GUIDE_IN_PREPARATION, GUIDE_STREAM

PAGE_CSS = Path(__file__).resolve().parents[2] / "service" / "web" / "static" / "page.css"
DRAWN = (".marker.cat-{}", ".entry.cat-{} .kind", ".track .cat-{}")
"""The rules that give a category its shape and colour: the legend's marker, the entry's
label, the mark on the axis."""


def problems() -> list[str]:
    """What the timeline's types lack, in words; empty when each has all it needs."""
    css = PAGE_CSS.read_text(encoding="utf-8")
    found = []
    for event_type in TIMELINE_TYPES:
        if event_type not in events.EVENT_TYPES:
            found.append(f"{event_type}: handled by the timeline but not in events.EVENT_TYPES")
        shown = SHOWN.get(event_type)
        if shown is None:
            found.append(f"{event_type}: on the timeline but not in SHOWN (no view, category or group)")
            continue
        if shown.category not in CATEGORY_LABELS:
            found.append(f"{event_type}: category {shown.category!r} has no labels (CATEGORY_LABELS)")
        for rule in DRAWN:
            selector = rule.format(shown.category)
            if not re.search(re.escape(selector) + r"\s*[,{]", css):
                found.append(f"{event_type}: page.css does not draw {selector}")
        if not shown.group.strip():
            found.append(f"{event_type}: no export group")
    for event_type in SHOWN.keys() - set(TIMELINE_TYPES):
        found.append(f"{event_type}: in SHOWN but the timeline's read model has no handler for it")
    return found


def test_each_timeline_type_has_a_view_a_category_and_an_export_group():
    assert problems() == []


def test_each_category_is_labelled_and_drawn():
    for category in CATEGORY_LABELS:
        assert any(shown.category == category for shown in SHOWN.values()), category


class _Stored(NamedTuple):
    id: uuid.UUID
    stream_id: str
    type: str
    data: bytes


_SEED = load_seed()
_STATUS_CHANGE = _Stored(
    uuid.uuid4(), GUIDE_STREAM, "initiative.status_changed", msgspec.json.encode(GUIDE_IN_PREPARATION)
)
"""The seed has no status change: the guide's, of the correction tests."""
_TIMELINE_FACTS = [event for event in [*_SEED, _STATUS_CHANGE] if event.type in TIMELINE_TYPES]
_ANNOUNCEMENTS = {event.stream_id: event for event in _SEED if event.type == "initiative.announced"}
_MEETINGS = {event.stream_id: event for event in _SEED if event.type == "meeting.held"}


def test_the_seed_has_a_fact_of_each_timeline_type():
    assert {event.type for event in _TIMELINE_FACTS} == set(TIMELINE_TYPES)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(_TIMELINE_FACTS), st.sampled_from(["active", "corrected", "retracted"]))
def test_an_entry_is_built_from_each_fact_of_the_vocabulary(event, state):
    """A row as the timeline's queries give it (``_select``): the entry reads the stored JSON
    as the vocabulary's own type, and its type, state, evidence and date are the fact's."""
    fact = events.decode_event(event.type, event.data)
    announcement = _ANNOUNCEMENTS.get(event.stream_id) if event.type != "initiative.announced" else None
    occurred, meeting_occurred = fact.occurred, None
    if occurred is None:  # a statement dated by its meeting
        meeting = events.decode_event("meeting.held", _MEETINGS[f"meeting-{fact.meeting}"].data)
        occurred, meeting_occurred = meeting.occurred, msgspec.json.encode(meeting.occurred).decode()
    row = {
        "event_id": event.id, "position": 1, "type": event.type, "recorded_at": None,
        "state": state, "fact": bytes(event.data).decode(), "corrections": "[]",
        "retraction": None, "offsets": None, "roles": ["speaker"],
        "announcement": bytes(announcement.data).decode() if announcement else None,
        "meeting_occurred": meeting_occurred,
    }
    entry = timeline_entry(row)
    assert (entry.type, entry.state) == (event.type, state)
    assert [e.quote for e in entry.evidence] == [e.quote for e in fact.evidence]
    assert entry.date == occurred.date
    assert entry.date_from == ("own" if fact.occurred else "meeting")
    assert entry.title_ko


@pytest.mark.parametrize("event_type", ["fact.corrected", "agency.registered"])
def test_a_type_the_timeline_does_not_show_has_no_entry(event_type):
    with pytest.raises(ValueError, match="not a timeline fact"):
        timeline_entry({"type": event_type})
