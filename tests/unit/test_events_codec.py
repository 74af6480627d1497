"""Decoding and encoding events: round trips, and a clear error for each kind of bad input."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

import events
from events.seed import load_seed

FACT_TYPES = [
    "initiative.announced",
    "initiative.status_changed",
    "meeting.held",
    "statement.made",
    "fact.corrected",
    "fact.retracted",
]

EVIDENCE = [{"source_id": "article", "quote": "개인정보위는"}]

MINIMAL: dict[str, dict[str, Any]] = {
    "agency.registered": {"agency_id": "mss", "name_ko": "중소벤처기업부", "name_en": "MSS", "kind": "ministry"},
    "initiative.announced": {
        "initiative_id": "guide",
        "agency": "pipc",
        "title_ko": "안내서",
        "kind": "guideline",
        "status": "planned",
        "occurred": {"date": "2025-03"},
        "evidence": EVIDENCE,
    },
    "initiative.status_changed": {
        "initiative_id": "guide",
        "status": "published",
        "occurred": {"date": "2025"},
        "evidence": EVIDENCE,
    },
    "meeting.held": {
        "meeting_id": "roundtable",
        "organiser": "pipc",
        "title_ko": "간담회",
        "kind": "roundtable",
        "occurred": {"date": "2025-03-24"},
        "evidence": EVIDENCE,
    },
    "statement.made": {
        "statement_id": "remark",
        "speaker": {"kind": "person", "id": "ko-hak-soo"},
        "kind": "remark",
        "text": "개인정보위는",
        "occurred": {"date": "2025-03"},
        "evidence": EVIDENCE,
    },
    "fact.corrected": {
        "target": "9164f8a6-0ae9-5a52-a63f-053718cc507a",
        "changes": {"meeting": "roundtable"},
        "reason": "a later report",
        "evidence": EVIDENCE,
    },
    "fact.retracted": {
        "target": "9164f8a6-0ae9-5a52-a63f-053718cc507a",
        "reason": "withdrawn",
        "evidence": EVIDENCE,
    },
}


def decode(type_name: str, data: dict[str, Any]) -> events.Event:
    return events.decode_event(type_name, json.dumps(data, ensure_ascii=False))


def error_of(type_name: str, data: dict[str, Any] | str) -> str:
    raw = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(events.InvalidEvent) as caught:
        events.decode_event(type_name, raw)
    return caught.value.message


def test_the_vocabulary_is_closed_and_tags_match_their_classes() -> None:
    assert set(events.EVENT_TYPES) == {
        "source.registered",
        "agency.registered",
        "organization.registered",
        "person.registered",
        *FACT_TYPES,
    }
    for tag, cls in events.EVENT_TYPES.items():
        assert tag == cls.TYPE
        assert issubclass(cls, events.Event)


def test_every_type_has_an_example_in_the_seed_or_the_docs(all_docs_examples) -> None:
    seen = {s.type for s in load_seed()} | {tag for tag, _ in all_docs_examples}
    assert seen == set(events.EVENT_TYPES)


def test_an_example_survives_a_round_trip(event_example: tuple[str, bytes]) -> None:
    tag, data = event_example
    event = events.decode_event(tag, data)
    assert event.TYPE == event.type_name == tag
    encoded = events.encode_event_data(event)
    assert "type" not in msgspec.json.decode(encoded)
    assert events.decode_event(tag, encoded) == event
    assert events.decode_event(tag, encoded.decode()) == event  # str works as well as bytes
    assert events.convert_event(tag, msgspec.json.decode(encoded)) == event


def test_encoding_is_canonical_so_equal_events_give_equal_bytes() -> None:
    for line in load_seed():
        assert events.encode_event_data(events.decode_event(line.type, line.data)) == line.data


@pytest.mark.parametrize("tag", sorted(MINIMAL))
def test_optional_fields_may_be_left_out(tag: str) -> None:
    assert tag == decode(tag, MINIMAL[tag]).TYPE


def test_events_are_frozen_and_keyword_only() -> None:
    event = decode("agency.registered", MINIMAL["agency.registered"])
    with pytest.raises(AttributeError):
        event.name_en = "changed"  # type: ignore[misc]
    for cls in events.EVENT_TYPES.values():
        with pytest.raises(TypeError):
            cls("positional")  # type: ignore[call-arg]
        assert cls.__struct_config__.frozen and cls.__struct_config__.forbid_unknown_fields


def test_an_unknown_type_is_its_own_error() -> None:
    with pytest.raises(events.UnknownEventType) as caught:
        events.decode_event("meeting.cancelled", b"{}")
    assert caught.value.type_name == "meeting.cancelled"
    assert "meeting.cancelled" in str(caught.value)
    assert isinstance(caught.value, events.EventError) and not isinstance(caught.value, events.InvalidEvent)


def test_an_unknown_field_is_named() -> None:
    message = error_of("agency.registered", {**MINIMAL["agency.registered"], "colour": "blue"})
    assert message == "Object contains unknown field `colour`"


def test_a_missing_field_is_named() -> None:
    data = dict(MINIMAL["agency.registered"])
    del data["name_ko"]
    assert error_of("agency.registered", data) == "Object missing required field `name_ko`"


def test_a_wrong_type_names_the_path() -> None:
    data = {**MINIMAL["meeting.held"], "evidence": [{"source_id": "article", "quote": 7}]}
    assert error_of("meeting.held", data) == "Expected `str`, got `int` - at `$.evidence[0].quote`"


def test_a_value_outside_an_enumeration_is_named() -> None:
    message = error_of("initiative.announced", {**MINIMAL["initiative.announced"], "status": "done"})
    assert message.startswith("Invalid enum value 'done'") and "`$.status`" in message


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2025-02-30", "invalid date '2025-02-30' (day is out of range for month) - at `$.occurred`"),
        ("2025-13", "invalid date '2025-13' (month must be in 1..12) - at `$.occurred`"),
        ("2025-00", "invalid date '2025-00' (month must be in 1..12) - at `$.occurred`"),
        ("March", "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date`"),
        ("2025-3", "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date`"),
        ("2025-03-24T10:00", "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date`"),
        ("2025-03\n", "Expected a date like 2025-03-24, 2025-03 or 2025 - at `$.occurred.date`"),
    ],
)
def test_a_bad_date_is_rejected_with_its_path(date: str, expected: str) -> None:
    message = error_of("meeting.held", {**MINIMAL["meeting.held"], "occurred": {"date": date}})
    assert message.startswith(expected)
    assert "`$.occurred" in message


@pytest.mark.parametrize("tag", FACT_TYPES)
def test_a_fact_without_evidence_is_invalid(tag: str) -> None:
    empty = error_of(tag, {**MINIMAL[tag], "evidence": []})
    assert empty == "Expected `array` of length >= 1 - at `$.evidence`"
    missing = {k: v for k, v in MINIMAL[tag].items() if k != "evidence"}
    assert error_of(tag, missing) == "Object missing required field `evidence`"


@pytest.mark.parametrize("tag", ["agency.registered", "organization.registered", "person.registered"])
def test_a_registration_may_have_no_evidence(tag: str) -> None:
    data = {
        "agency.registered": MINIMAL["agency.registered"],
        "organization.registered": {"organization_id": "moreh", "name_ko": "모레", "kind": "company"},
        "person.registered": {"person_id": "ko-hak-soo", "name_ko": "고학수"},
    }[tag]
    assert decode(tag, {**data, "evidence": []}).evidence == ()


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("", "Expected `str` of length >= 1 - at `$.evidence[0].quote`"),
        ("  \n", "blank string is not allowed - at `$.evidence[0].quote`"),
    ],
)
def test_an_empty_or_blank_quote_is_invalid(quote: str, expected: str) -> None:
    data = {**MINIMAL["statement.made"], "evidence": [{"source_id": "article", "quote": quote}]}
    assert error_of("statement.made", data) == expected


def test_a_nul_character_is_rejected_wherever_it_is() -> None:
    nul = "NUL character (\\u0000) is not allowed"
    data = {**MINIMAL["meeting.held"], "evidence": [{"source_id": "article", "quote": "간담\u0000회"}]}
    assert error_of("meeting.held", data) == f"{nul} - at `$.evidence[0].quote`"
    data = {**MINIMAL["meeting.held"], "occurred": {"date": "2025", "original": "\u0000"}}
    assert error_of("meeting.held", data) == f"{nul} - at `$.occurred.original`"


def test_a_source_whose_sha256_does_not_match_its_text_is_invalid() -> None:
    text = "개인정보위는 간담회를 열었다."
    source = {"source_id": "note", "title": "t", "language": "ko", "text": text}
    assert decode("source.registered", {**source, "sha256": events.sha256_text(text)}).text == text
    message = error_of("source.registered", {**source, "sha256": events.sha256_text(text + " ")})
    assert message.startswith("sha256 does not match the text") and message.endswith("- at `$.sha256`")


@pytest.mark.parametrize("bad_id", ["MSS", "-mss", "mss ", "mss\n", "중기부", "a" * 64, "", "mss_review"])
def test_an_id_must_be_lower_case_letters_digits_and_hyphens(bad_id: str) -> None:
    message = error_of("agency.registered", {**MINIMAL["agency.registered"], "agency_id": bad_id})
    assert message.endswith("- at `$.agency_id`")
    referenced = {**MINIMAL["statement.made"], "speaker": {"kind": "person", "id": bad_id}}
    assert error_of("statement.made", referenced).endswith("- at `$.speaker.id`")


def test_an_id_of_63_characters_is_the_longest() -> None:
    assert decode("agency.registered", {**MINIMAL["agency.registered"], "agency_id": "a" * 63})


def test_malformed_json_is_an_invalid_event() -> None:
    assert error_of("agency.registered", '{"agency_id": ').startswith("malformed JSON")
    assert error_of("agency.registered", "[]") == "Expected `object`, got `array`"


def test_a_verbatim_statement_must_quote_its_evidence_exactly() -> None:
    quote = '고학수 위원장은 "협력해 나가겠다"라며 "지원하겠다"라고 말했다'
    evidence = [{"source_id": "article", "quote": quote}]
    base = {**MINIMAL["statement.made"], "evidence": evidence, "verbatim": True}
    assert decode("statement.made", {**base, "text": "협력해 나가겠다\n지원하겠다"}).verbatim
    message = error_of("statement.made", {**base, "text": "협력해 나가겠습니다"})
    assert message == "verbatim text is not in any evidence quote: '협력해 나가겠습니다' - at `$.text`"
    assert error_of("statement.made", {**base, "text": "협력해 나가겠다\n\n지원하겠다"}).endswith("`$.text`")
    # Reported speech need not match the quote.
    assert not decode("statement.made", {**base, "verbatim": False, "text": "협력을 약속했다"}).verbatim


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ({"kind": "group"}, "a group speaker needs description_ko or description_en - at `$.speaker`"),
        ({"kind": "group", "id": "companies", "description_ko": "기업들"}, "a group speaker has no id"),
        ({"kind": "person"}, "a person speaker needs an id - at `$.speaker`"),
        (
            {"kind": "person", "id": "ko-hak-soo", "members": [{"kind": "person", "id": "x"}]},
            "only a group speaker has members - at `$.speaker`",
        ),
        ({"kind": "journalist", "id": "x"}, "Invalid enum value 'journalist' - at `$.speaker.kind`"),
    ],
)
def test_a_speaker_is_a_registered_actor_or_a_described_group(speaker: dict, expected: str) -> None:
    assert error_of("statement.made", {**MINIMAL["statement.made"], "speaker": speaker}).startswith(expected)


def test_a_correction_needs_a_uuid_target_and_some_changes() -> None:
    data = MINIMAL["fact.corrected"]
    assert error_of("fact.corrected", {**data, "changes": {}}) == (
        "Expected `object` of length >= 1 - at `$.changes`"
    )
    assert error_of("fact.corrected", {**data, "changes": []}) == (
        "Expected `object`, got `array` - at `$.changes`"
    )
    assert error_of("fact.corrected", {**data, "target": "statement-1"}) == "Invalid UUID - at `$.target`"
    assert "`$.changes" in error_of("fact.corrected", {**data, "changes": {"Title": "x"}})


def test_a_head_count_cannot_be_negative() -> None:
    data = {**MINIMAL["meeting.held"], "attendee_count": {"value": -1}}
    assert error_of("meeting.held", data) == "Expected `int` >= 0 - at `$.attendee_count.value`"
