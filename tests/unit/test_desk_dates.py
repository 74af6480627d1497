"""Dates from words: the seed article's expressions give the dates the seed records, each rule
on its own, and what no proposal ever does (Hypothesis): pure, no database."""

from __future__ import annotations

import re

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events.seed import ARTICLE_TEXT, load_seed
from service.desk.dates import date_proposals, propose_date
from service.desk.sentences import split

PUBLISHED = events.Occurred(date="2025-03")
"""The seed article's publication date, as its registration records it."""
BY_PUBLICATION = events.Occurred(date="2025-03", approximate=True)
"""How the seed dates what the article reports with no date of its own."""
DATED_ACROSS_SENTENCES = {"initiative-pipc-generative-ai-guide"}
"""Dated by an editor's reading of more than its sentence: the guide is planned after the
roundtable of the 24th and by publication, so March 2025, not approximate (events/seed/build.py)."""


def seed_facts() -> dict[str, events.Event]:
    """Each seed fact that creates an entity, by stream, as the seed's errata leave it."""
    facts: dict[str, events.Event] = {}
    for seed_event in load_seed():
        event = events.decode_event(seed_event.type, seed_event.data)
        if isinstance(event, events.FactCorrected):
            facts[seed_event.stream_id] = events.apply_changes(
                facts[seed_event.stream_id], event.changes
            )
        elif seed_event.stream_id not in facts:
            facts[seed_event.stream_id] = event
    return facts


def evidence_sentences(fact: events.Event) -> list[str]:
    """The article's sentences that the fact's evidence quotes lie in."""
    found = []
    for evidence in fact.evidence:
        start, end = events.locate(evidence, ARTICLE_TEXT)
        found += [s.text for s in split(ARTICLE_TEXT) if s.start < end and start < s.end]
    return list(dict.fromkeys(found))


def test_every_relative_expression_of_the_seed_article_gives_the_date_the_seed_records():
    checked = {}
    for stream_id, fact in seed_facts().items():
        occurred = getattr(fact, "occurred", None)
        if occurred is None or occurred.original is None:
            continue
        [sentence] = [s for s in evidence_sentences(fact) if occurred.original in s]
        [proposal] = [p for p in date_proposals(sentence, PUBLISHED) if p.words == occurred.original]
        assert proposal.occurred == occurred, stream_id
        assert sentence[proposal.start:proposal.end] == occurred.original
        checked[occurred.original] = occurred.date
    assert checked == {"지난달": "2025-02", "최근": "2025-03", "24일": "2025-03-24"}


def test_the_seed_facts_the_article_gives_no_date_are_proposed_the_publication_month():
    by_publication = set()
    for stream_id, fact in seed_facts().items():
        occurred = getattr(fact, "occurred", None)
        if occurred is None or occurred.original is not None or stream_id in DATED_ACROSS_SENTENCES:
            continue
        assert occurred == BY_PUBLICATION, stream_id
        for sentence in evidence_sentences(fact):
            proposal = propose_date(sentence, PUBLISHED)
            assert (proposal.occurred, proposal.words) == (BY_PUBLICATION, None), stream_id
        by_publication.add(stream_id)
    # "향후" (from now on) in the plan's sentence dates nothing: the plan is dated by publication.
    assert by_publication == {
        "initiative-mss-ai-startup-competitiveness-measures",
        "statement-mss-review-oh-young-ju-remarks",
        "statement-pipc-ko-hak-soo-open-source-remarks",
        "initiative-kr-government-open-source-ai-model-support",
    }


def test_the_words_of_the_seed_article_that_date_something_are_found_in_order():
    found = [
        (sentence.n, proposal.words)
        for sentence in split(ARTICLE_TEXT)
        for proposal in date_proposals(sentence.text, PUBLISHED)
        if proposal.words
    ]
    assert found == [(7, "지난달"), (7, "최근"), (17, "24일")]
    plan = split(ARTICLE_TEXT)[9].text
    assert "향후" in plan and "'향후' (from now on) looks ahead" in propose_date(plan, PUBLISHED).reasoning


def occurred(date: str, approximate: bool = False, original: str | None = None) -> events.Occurred:
    return events.Occurred(date=date, approximate=approximate, original=original)


@pytest.mark.parametrize(
    ("passage", "published", "expected"),
    [
        # A day alone: of the month of publication, or of the month before when after its day.
        ("24일 개인정보위는", "2025-03", occurred("2025-03-24", original="24일")),
        ("지난 24일 열린", "2025-04-02", occurred("2025-03-24", original="지난 24일")),
        ("지난 24일 열린", "2025-04-30", occurred("2025-04-24", original="지난 24일")),
        ("31일 열린", "2025-01-05", occurred("2024-12-31", original="31일")),
        # A month counted from the publication; never a day the words do not give.
        ("지난달 마련한", "2025-03-24", occurred("2025-02", original="지난달")),
        ("지난달 마련한", "2025-01", occurred("2024-12", original="지난달")),
        ("지난달 24일", "2025-01", occurred("2024-12-24", original="지난달 24일")),
        ("이번 달 10일", "2025-03-20", occurred("2025-03-10", original="이번 달 10일")),
        ("최근 개최한", "2025-03-24", occurred("2025-03", True, "최근")),
        ("최근 개최한", "2025", occurred("2025", True, "최근")),
        # Years.
        ("올해 추진", "2025-03", occurred("2025", original="올해")),
        ("작년 발표한", "2025-03", occurred("2024", original="작년")),
        ("지난해 11월", "2025-03", occurred("2024-11", original="지난해 11월")),
        ("지난 3월", "2025-03-10", occurred("2024-03", original="지난 3월")),
        ("3월 24일 발표", "2025-04", occurred("2025-03-24", original="3월 24일")),
        ("2024년 3월 24일 발표", None, occurred("2024-03-24", original="2024년 3월 24일")),
        # About, and an approximate publication date: approximate.
        ("3월 24일께", "2025-04-01", occurred("2025-03-24", True, "3월 24일께")),
        ("24일 전후", "2025-03", occurred("2025-03-24", True, "24일 전후")),
    ],
)
def test_each_rule_gives_its_date(passage, published, expected):
    proposal = propose_date(passage, events.Occurred(date=published) if published else None)
    assert proposal.occurred == expected
    assert passage[proposal.start:proposal.end] == proposal.words == expected.original
    assert proposal.reasoning.endswith(
        f"Proposed: {expected.date}{', approximate' if expected.approximate else ''}."
    )


def test_a_date_worked_out_from_an_approximate_publication_is_approximate():
    published = events.Occurred(date="2025-03", approximate=True)
    assert propose_date("지난달", published).occurred == occurred("2025-02", True, "지난달")
    assert propose_date("2024년 5월", published).occurred == occurred("2024-05", False, "2024년 5월")


@pytest.mark.parametrize(
    ("passage", "published", "why"),
    [
        ("향후 방안을 마련한다는 계획이다", "2025-03", "'향후' (from now on) looks ahead"),
        ("오는 24일 발표한다", "2025-03-02", "'오는 24일' looks ahead"),
        ("내년 시행", "2025-03", "'내년' (next year) looks ahead"),
        ("2030년까지 육성", "2025-03", "'2030년' (2030) is after the publication"),
        ("4월 발표", "2025-03", "its month is after the month of publication"),
        ("2월 30일", "2025-03", "names no real day"),
        ("24일 열린", "2025", "the publication date (2025) no month"),
        ("3일간 열린 최근 3년간의 성과", "2025-03", "No words here give a date."),
        ("고학수 위원장은 말했다", "2025-03-24", "No words here give a date."),
    ],
)
def test_words_that_give_no_date_leave_the_publication_month_approximate(passage, published, why):
    published = events.Occurred(date=published)
    [proposal] = date_proposals(passage, published)
    value = published.date[:7]
    assert (proposal.occurred, proposal.words) == (occurred(value, True), None)
    assert why in proposal.reasoning


def test_without_a_publication_date_only_words_that_give_the_year_are_proposed():
    assert date_proposals("지난달 최근 24일 올해", None) == []
    assert propose_date("2025년 3월 최근", None).occurred == occurred("2025-03", False, "2025년 3월")


WORDS = st.sampled_from([
    "지난달", "지난 달", "지난 ", "오는 ", "최근", "향후", "올해", "작년", "지난해", "내년", "이달",
    "이번 달", "다음 달", "년", "월", "일", "께", "경", " 무렵", "간", " 동안", " ", "다.", "의 ",
    "회의", "24", "3", "31", "12", "2025", "1999", "0", "07",
    " 24일", " 31일", " 29일", " 0일", " 07일", " 3월", " 12월", " 2월 30일", " 2025년", " 1999년",
])
PUBLISHED_DATES = st.builds(
    lambda day, precision, approximate: events.Occurred(
        date=day.isoformat()[:precision], approximate=approximate
    ),
    st.dates(min_value=events.date_range("1900")[0], max_value=events.date_range("2100")[0]),
    st.sampled_from([4, 7, 10]),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.lists(WORDS, max_size=12).map("".join),
        st.lists(WORDS, max_size=8).map(" ".join),
        st.text(max_size=40),
    ),
    st.one_of(st.none(), PUBLISHED_DATES),
)
def test_no_proposal_has_a_day_the_words_do_not_give_nor_a_date_after_publication(
    passage, published
):
    for proposal in date_proposals(passage, published):
        value = proposal.occurred
        msgspec.json.decode(msgspec.json.encode(value), type=events.Occurred)  # a valid date
        if proposal.words is None:
            assert value.approximate and value.original is None and value.precision != "day"
        else:
            assert passage[proposal.start:proposal.end] == proposal.words == value.original
        if value.precision == "day":
            day = int(value.date[8:])
            assert re.search(rf"(?<![0-9])0?{day}일", proposal.words or ""), proposal
        if published is not None:
            assert value.earliest() <= published.latest(), proposal
        assert proposal.reasoning.endswith(".")
