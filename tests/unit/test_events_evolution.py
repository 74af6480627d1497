"""The vocabulary evolves without breaking what is stored: fields added with defaults, and
upcasters for shapes whose meaning changed."""

from __future__ import annotations

import msgspec
import pytest

import events
from events.seed import load_seed
from events.upcasting import UPCASTERS, upcast

SEED_MEETING = next(line for line in load_seed() if line.type == "meeting.held")
PLACE = {"name_ko": "스타트업얼라이언스", "name_en": "Startup Alliance", "note": None, "url": None}


def test_a_meeting_stored_before_places_decodes_and_encodes_as_it_was_stored():
    meeting = events.decode_event("meeting.held", SEED_MEETING.data)
    assert meeting.place is None
    assert b'"place"' not in SEED_MEETING.data
    assert events.encode_event_data(meeting) == SEED_MEETING.data


def test_a_meeting_with_a_place_round_trips():
    data = {**msgspec.json.decode(SEED_MEETING.data), "place": PLACE}
    meeting = events.convert_event("meeting.held", data)
    assert meeting.place == events.Place(name_ko="스타트업얼라이언스", name_en="Startup Alliance")
    encoded = events.encode_event_data(meeting)
    assert msgspec.json.decode(encoded)["place"] == PLACE
    assert events.decode_event("meeting.held", encoded) == meeting


def test_upcasters_apply_step_by_step_until_the_current_version(monkeypatch):
    monkeypatch.setitem(UPCASTERS, ("meeting.held", -1), lambda d: {**d, "steps": ["-1"]})
    monkeypatch.setitem(UPCASTERS, ("meeting.held", 0), lambda d: {**d, "steps": [*d["steps"], "0"]})
    assert upcast("meeting.held", -1, 1, {}) == {"steps": ["-1", "0"]}
    assert upcast("meeting.held", 1, 1, {"a": 1}) == {"a": 1}


def test_data_at_the_current_version_is_passed_through_untouched():
    assert events.current_data("meeting.held", 1, SEED_MEETING.data) is SEED_MEETING.data
    assert events.decode_stored("meeting.held", 1, SEED_MEETING.data).meeting_id


@pytest.mark.parametrize(
    ("version", "message"), [(0, "no upcaster"), (2, "newer than this code"), (-1, "upcasting")]
)
def test_what_cannot_be_upcast_is_an_invalid_event(monkeypatch, version, message):
    monkeypatch.setitem(UPCASTERS, ("meeting.held", -1), lambda d: d["missing"])
    with pytest.raises(events.InvalidEvent, match=message):
        events.decode_stored("meeting.held", version, SEED_MEETING.data)
