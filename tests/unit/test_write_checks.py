"""The write side's checks are pure: a batch and what the log holds in, a verdict out."""

from __future__ import annotations

import uuid

import pytest

import events
from service.writing.checks import BadFact, check_batch, check_client_metadata, decode_batch
from service.writing.command import ProposedEvent
from service.writing.known import KnownFacts, Target
from tests.factories import QUOTE, SOURCE_ID, SOURCE_TEXT, evidence


def fact(type_: str, data: dict) -> events.Event:
    return events.convert_event(type_, data)


STATEMENT = fact("statement.made", {
    "statement_id": "s", "speaker": {"kind": "agency", "id": "test-ministry"}, "kind": "remark",
    "text": "시험부는 3월 4일", "occurred": {"date": "2025-03-04"}, "evidence": evidence(),
})


def correction(target: uuid.UUID, changes: dict) -> events.Event:
    return fact("fact.corrected", {
        "target": str(target), "changes": changes, "reason": "r", "evidence": evidence(),
    })


def registered(source_text: str = SOURCE_TEXT, *, openings: dict | None = None, **known) -> KnownFacts:
    """The log holding the test source and agency (what the facts here refer to)."""
    return KnownFacts(
        openings={f"source-{SOURCE_ID}": uuid.uuid4(), "agency-test-ministry": uuid.uuid4(),
                  **(openings or {})},
        source_texts={SOURCE_ID: source_text},
        **known,
    )


def check(stream_id: str, facts: list[events.Event], known: KnownFacts) -> None:
    check_batch(stream_id, [(uuid.uuid4(), fact) for fact in facts], known)


def known_statement(target: uuid.UUID, **known) -> KnownFacts:
    return registered(targets={target: Target("statement-s", "statement.made", STATEMENT)}, **known)


def test_corrections_in_one_batch_apply_one_on_top_of_the_other():
    target = uuid.uuid4()
    known = known_statement(target)
    verbatim = correction(target, {"verbatim": True})
    check("statement-s", [verbatim], known)  # alone: the text is in the quote
    with pytest.raises(BadFact, match="already corrected"):
        check("statement-s", [verbatim, correction(target, {"text": "다른 말"})], known)


def test_a_retracted_target_takes_no_more_amendments():
    target, retraction = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(BadFact) as refused:
        check("statement-s", [correction(target, {"kind": "pledge"})],
              known_statement(target, retractions={target: retraction}))
    assert refused.value.slug == "target-retracted"
    assert refused.value.extra["target"] == str(target)
    assert refused.value.extra["retracted_by"] == str(retraction)


def test_a_reference_must_be_registered():
    speaking = fact("statement.made", {
        "statement_id": "s2", "speaker": {"kind": "person", "id": "p"}, "kind": "remark",
        "text": "t", "occurred": {"date": "2025"}, "evidence": evidence(),
    })
    with pytest.raises(BadFact) as refused:
        check("statement-s2", [speaking], registered())
    assert refused.value.extra["missing"] == {"kind": "person", "id": "p"}
    check("statement-s2", [speaking], registered(openings={"person-p": uuid.uuid4()}))


ANNOUNCED = fact("initiative.announced", {
    "initiative_id": "plan", "agency": "test-ministry", "title_ko": "계획", "kind": "plan",
    "status": "planned", "occurred": {"date": "2025-03-04"}, "evidence": evidence(),
})
MOVED_ON = fact("initiative.status_changed", {
    "initiative_id": "plan", "status": "published", "occurred": {"date": "2025-03"},
    "evidence": evidence(),
})


def test_an_entity_created_earlier_in_the_batch_is_known_but_not_one_created_later():
    check("initiative-plan", [ANNOUNCED, MOVED_ON], registered())
    with pytest.raises(BadFact) as refused:
        check("initiative-plan", [MOVED_ON], registered())
    assert refused.value.extra["missing"] == {"kind": "initiative", "id": "plan"}


def test_a_retracted_initiative_takes_no_status_change_in_the_same_batch_either():
    announced, retraction = uuid.uuid4(), uuid.uuid4()
    retracting = fact("fact.retracted", {
        "target": str(announced), "reason": "r", "evidence": evidence(),
    })
    with pytest.raises(BadFact) as refused:
        check_batch("initiative-plan", [(announced, ANNOUNCED), (retraction, retracting),
                                        (uuid.uuid4(), MOVED_ON)], registered())
    assert refused.value.slug == "target-retracted"
    assert refused.value.extra == {
        "event_index": 2, "target": str(announced), "retracted_by": str(retraction),
    }


def test_a_quote_must_be_in_its_source_whatever_its_length():
    known = registered()
    check("statement-s", [STATEMENT], known)
    long_but_absent = fact("statement.made", {
        "statement_id": "s", "speaker": {"kind": "agency", "id": "test-ministry"}, "kind": "remark",
        "text": "t", "occurred": {"date": "2025"},
        "evidence": evidence(QUOTE + " 그리고 그 밖의 많은 말을 덧붙였다고 전해진다."),
    })
    with pytest.raises(BadFact) as refused:
        check("statement-s", [long_but_absent], known)
    assert refused.value.slug == "quote-not-in-source"


def test_a_quote_over_a_hundred_characters_must_be_in_its_source_too():
    long_text = SOURCE_TEXT + " " + "그 밖에도 시험부는 여러 부처와 함께 인공지능 시험 계획의 세부 과제를 정하고, " * 2
    long_quote = long_text[-110:]
    assert len(long_quote) > 100 and long_quote in long_text
    check("statement-s", [quoting(quote=long_quote)], registered(long_text))
    with pytest.raises(BadFact) as refused:
        check("statement-s", [quoting(quote=long_quote.replace("시험부", "실험부"))], registered(long_text))
    assert refused.value.slug == "quote-not-in-source"


def test_a_client_may_not_write_appended_by():
    claimed = ProposedEvent(id=uuid.uuid4(), type="x", data={}, metadata={"appended_by": "me"})
    with pytest.raises(BadFact):
        check_client_metadata([claimed])


def test_an_unknown_type_names_the_known_ones():
    with pytest.raises(BadFact, match=r"meeting.held"):
        decode_batch([ProposedEvent(id=uuid.uuid4(), type="meeting.dreamt", data={})])


TWICE = "이 사업은 계속된다. 시험부는 이 사업은 계속된다고 말했다."


def quoting(**evidence_item) -> events.Event:
    return fact("statement.made", {
        "statement_id": "s", "speaker": {"kind": "agency", "id": "test-ministry"},
        "kind": "remark", "text": "t", "occurred": {"date": "2025"},
        "evidence": [{"source_id": SOURCE_ID, **evidence_item}],
    })


def test_a_quote_found_twice_is_ambiguous_and_names_each_occurrence():
    known = registered(TWICE)
    with pytest.raises(BadFact) as refused:
        check("statement-s", [quoting(quote="이 사업은 계속된다")], known)
    assert refused.value.slug == "ambiguous-quote"
    assert refused.value.extra["occurrences"] == [{"start": 0, "end": 10}, {"start": 17, "end": 27}]
    assert TWICE[17:27] == "이 사업은 계속된다"


def test_a_prefix_or_suffix_singles_out_one_occurrence():
    known = registered(TWICE)
    check("statement-s", [quoting(quote="이 사업은 계속된다", prefix="시험부는 ")], known)
    check("statement-s", [quoting(quote="이 사업은 계속된다", suffix=".")], known)
    second = events.Evidence(source_id=SOURCE_ID, quote="이 사업은 계속된다", suffix="고")
    assert events.locate(second, TWICE) == (17, 27)
    assert events.locate(events.Evidence(source_id=SOURCE_ID, quote="이 사업은 계속된다"), TWICE) is None


def test_a_prefix_that_matches_no_occurrence_is_refused():
    known = registered(TWICE)
    for context in ({"prefix": "장관은 "}, {"suffix": "!"}):
        with pytest.raises(BadFact) as refused:
            check("statement-s", [quoting(quote="이 사업은 계속된다", **context)], known)
        assert refused.value.slug == "quote-context-mismatch"
        assert len(refused.value.extra["occurrences"]) == 2
    # A quote found once must still match the context given for it.
    with pytest.raises(BadFact):
        check("statement-s", [quoting(quote="시험부는", prefix="장관은 ")], known)


def test_a_prefix_at_the_start_of_the_text_does_not_wrap_around():
    text = "끝이다 시작 끝이다"
    assert events.occurrences("끝이다", text) == [(0, 3), (7, 10)]
    assert events.locate(events.Evidence(source_id=SOURCE_ID, quote="끝이다", prefix="다"), text) is None
    assert events.locate(events.Evidence(source_id=SOURCE_ID, quote="끝이다", prefix="작 "), text) == (7, 10)
