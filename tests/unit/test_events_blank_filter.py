"""The quick look that spares most events the full walk for blank strings and NUL characters
never lets one through: whatever the text, a blank or NUL-holding string is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import events

WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())


def organization(name: str) -> events.Event:
    return events.convert_event(
        "organization.registered", {"organization_id": "acme", "name_ko": name, "kind": "company"}
    )


@given(st.text(alphabet=WHITESPACE, min_size=1))
def test_every_blank_string_is_refused(name):
    with pytest.raises(events.InvalidEvent, match="blank string"):
        organization(name)


@given(st.text(), st.text())
def test_every_string_with_a_nul_is_refused(before, after):
    with pytest.raises(events.InvalidEvent):
        organization(f"{before}\x00{after}")


@given(st.text(min_size=1))
def test_a_string_is_accepted_exactly_when_it_is_neither_blank_nor_holds_nul(name):
    if name.strip() and "\x00" not in name:
        assert organization(name).name_ko == name
    else:
        with pytest.raises(events.InvalidEvent):
            organization(name)
