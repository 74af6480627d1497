"""The vocabulary evolves without breaking what is stored: fields added with defaults, and
upcasters for shapes whose meaning changed."""

from __future__ import annotations

import msgspec

import events
from events.seed import load_seed

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
