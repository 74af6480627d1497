"""Trusted decoding: the projections read the log without running again the checks an event
passed when it was appended; upcasting still applies, and the append path still checks."""

from __future__ import annotations

import msgspec
import pytest

import events
from events.seed import load_seed
from events.upcasting import UPCASTERS

SEED = load_seed()
MEETING = next(e for e in SEED if e.type == "meeting.held")
STATEMENT = next(
    e for e in SEED if e.type == "statement.made" and msgspec.json.decode(e.data).get("verbatim")
)


def _with(seed, **changes) -> bytes:
    return msgspec.json.encode({**msgspec.json.decode(seed.data), **changes})


def _old_meeting(data: dict) -> dict:
    """A made-up version 0 of meeting.held: ``title`` as {ko, en}."""
    data = dict(data)
    return {**data, "title": {"ko": data.pop("title_ko"), "en": data.pop("title_en")}}


def _meeting_from_v0(data: dict) -> dict:
    title = data.pop("title")
    return {**data, "title_ko": title["ko"], "title_en": title["en"]}


def test_every_seed_event_decodes_trusted_as_it_decodes_checked():
    for seed in SEED:
        assert events.decode_trusted(seed.type, seed.data) == events.decode_event(seed.type, seed.data)


def test_an_old_version_is_upcast_then_decoded_trusted(monkeypatch):
    monkeypatch.setitem(UPCASTERS, ("meeting.held", 0), _meeting_from_v0)
    stored = msgspec.json.encode(_old_meeting(msgspec.json.decode(MEETING.data)))
    value = events.decode_stored_trusted("meeting.held", 0, stored)
    assert value == events.decode_event("meeting.held", MEETING.data)


def test_trusted_decoding_skips_the_append_checks_but_not_the_types():
    # A verbatim text that is in no quote: refused at append, read as stored from the log.
    unquoted = _with(STATEMENT, text="not in any quote")
    with pytest.raises(events.InvalidEvent, match="verbatim text is not in any evidence quote"):
        events.decode_event("statement.made", unquoted)
    assert events.decode_trusted("statement.made", unquoted).text == "not in any quote"
    # What the types say is still decoded and checked.
    with pytest.raises(events.InvalidEvent, match="statement_id"):
        events.decode_trusted("statement.made", _with(STATEMENT, statement_id=7))


def test_the_checks_are_back_after_a_trusted_decode_even_when_it_fails():
    blank = _with(STATEMENT, text="   ")
    events.decode_trusted("statement.made", blank)
    with pytest.raises(events.InvalidEvent):
        events.decode_trusted("statement.made", b"{")
    with pytest.raises(events.InvalidEvent, match="blank string"):
        events.decode_event("statement.made", blank)
    with pytest.raises(events.InvalidEvent, match="blank string"):
        events.convert_event("statement.made", msgspec.json.decode(blank))
