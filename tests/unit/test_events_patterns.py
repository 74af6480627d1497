"""A string that does not match its pattern is refused with the rule in words, never the regex."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

import events
from events.patterns import rule
from tests.unit.test_events_codec import MINIMAL, error_of

SOURCE = {
    "source_id": "article", "title": "기사", "language": "ko", "text": "본문",
    "sha256": events.sha256_text("본문"),
}


def patterns_in(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found.union(*(patterns_in(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(patterns_in(item) for item in schema))
    return set()


def test_every_pattern_of_the_vocabulary_has_its_rule_in_words() -> None:
    _, components = msgspec.json.schema_components(events.EVENT_TYPES.values())
    found = patterns_in(components)
    assert len(found) >= 5  # ids and slugs, dates, languages, sha256, country codes, field names
    assert [regex for regex in sorted(found) if not rule(regex)] == []


BAD_STRINGS = {
    "agency id": (
        "agency.registered", {**MINIMAL["agency.registered"], "agency_id": "Ministry_SMEs"},
        "Expected an id of lower-case letters, digits and hyphens, starting with a letter or "
        "digit, at most 63 characters, e.g. `pipc` - at `$.agency_id`",
    ),
    "id in evidence": (
        "meeting.held",
        {**MINIMAL["meeting.held"], "evidence": [{"source_id": "기사", "quote": "개인정보위는"}]},
        "Expected an id of lower-case letters, digits and hyphens, starting with a letter or "
        "digit, at most 63 characters, e.g. `pipc` - at `$.evidence[0].source_id`",
    ),
    "topic": (
        "meeting.held", {**MINIMAL["meeting.held"], "topics": ["AI talent"]},
        "Expected an id of lower-case letters, digits and hyphens, starting with a letter or "
        "digit, at most 63 characters, e.g. `pipc` - at `$.topics[0]`",
    ),
    "date": (
        "meeting.held", {**MINIMAL["meeting.held"], "occurred": {"date": "24.03.2025"}},
        "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date`",
    ),
    "language": (
        "source.registered", {**SOURCE, "language": "Korean"},
        "Expected a language tag like `ko`, `en` or `zh-Hant`: two or three lower-case letters, "
        "then any subtags of letters and digits after hyphens - at `$.language`",
    ),
    "sha256": (
        "source.registered", {**SOURCE, "sha256": "E986"},
        "Expected a sha256 of 64 lower-case hexadecimal digits - at `$.sha256`",
    ),
    "country": (
        "agency.registered", {**MINIMAL["agency.registered"], "country": "kr"},
        "Expected a country code of two capital letters (ISO 3166-1), e.g. `KR` - at `$.country`",
    ),
    "corrected field": (
        "fact.corrected", {**MINIMAL["fact.corrected"], "changes": {"Title": "x"}},
        "Expected a field name of lower-case letters, digits and underscores, starting with a "
        "letter, e.g. `occurred` - at `key` in `$.changes`",
    ),
}


@pytest.mark.parametrize(("tag", "data", "message"), BAD_STRINGS.values(), ids=BAD_STRINGS.keys())
def test_a_string_off_its_pattern_is_refused_with_the_rule_and_its_path(tag, data, message) -> None:
    assert error_of(tag, data) == message
    with pytest.raises(events.InvalidEvent) as caught:
        events.convert_event(tag, data)
    assert caught.value.message == message


def test_a_correction_off_a_pattern_says_the_rule() -> None:
    target = events.decode_event("meeting.held", msgspec.json.encode(MINIMAL["meeting.held"]))
    with pytest.raises(events.InvalidEvent) as caught:
        events.apply_changes(target, {"occurred": {"date": "March 2025"}})
    assert caught.value.message == (
        "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date` "
        "(in changes to meeting.held)"
    )


def test_a_date_built_in_python_says_the_rule_too() -> None:
    with pytest.raises(ValueError) as caught:
        events.Occurred(date="16.04.2025")
    assert str(caught.value) == (
        "invalid date '16.04.2025': expected a date like 2025-03-24, 2025-03 or 2025"
    )
