"""The seed records the article fact by fact: valid, quoted exactly, ordered, dated honestly."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter

import msgspec

import events
from events.seed import ARTICLE_PATH, ARTICLE_TEXT, EVENTS_PATH, SOURCE_ID, load_seed
from events.seed.build import render

SEED = load_seed()
DECODED = [(line, events.decode_event(line.type, line.data)) for line in SEED]
FIRST_PUBLISHED = 26
FIRST_ERRATA = 15  # the first review's: two new facts, 13 corrections
SECOND_ERRATA = 10  # the second review's corrections (issue 21)
RELEASED = {
    # The seed's lines as each release published them: they never change, later ones are
    # appended after them (sha256 of the bytes of the file's first n lines).
    FIRST_PUBLISHED: "d43a1c3daedfa457e4250d50cfbae7ec48c8d25a016124e3ea7b1b6fda39939b",
    FIRST_PUBLISHED + FIRST_ERRATA: "41f86a46eec4fae571de63a65aecb06bec2cfcae35e7e709f569a91866ef7a62",
}
FACT_TYPES = {"initiative.announced", "initiative.status_changed", "meeting.held", "statement.made"}


def corrected_facts() -> dict[str, events.Event]:
    """Each stream's fact with the seed's errata applied, as the read models show it."""
    facts: dict[str, events.Event] = {}
    ids = {line.id: line.stream_id for line in SEED}
    for line, event in DECODED:
        if isinstance(event, events.FactCorrected):
            stream = ids[event.target]
            facts[stream] = events.apply_changes(facts[stream], event.changes)
        else:
            facts[line.stream_id] = event
    return facts


BY_STREAM = corrected_facts()
ERRATA = [(line, event) for line, event in DECODED if isinstance(event, events.FactCorrected)]


def test_the_article_is_kept_byte_for_byte() -> None:
    raw = ARTICLE_PATH.read_bytes()
    assert events.sha256_text(raw.decode("utf-8")) == (
        "e986a88a7ba95d739b3b0718256a26855db219e4e003de6a17b4adfde34e02ea"
    )
    assert len(ARTICLE_TEXT) == 2410 and raw.decode("utf-8") == ARTICLE_TEXT


def test_the_json_lines_are_what_the_build_script_writes() -> None:
    assert EVENTS_PATH.read_bytes() == render()


def test_every_line_decodes_and_is_marked_as_seed() -> None:
    assert len(SEED) == FIRST_PUBLISHED + FIRST_ERRATA + SECOND_ERRATA
    for line, event in DECODED:
        assert line.type == event.TYPE
        assert msgspec.json.decode(line.metadata) == {"source": "seed"}


def test_the_article_is_registered_first_as_the_source() -> None:
    line, source = DECODED[0]
    assert isinstance(source, events.SourceRegistered)
    assert line.stream_id == f"source-{SOURCE_ID}"
    assert source.text == ARTICLE_TEXT and source.sha256 == events.sha256_text(ARTICLE_TEXT)
    assert source.published == events.Occurred(date="2025-03")
    assert source.language == "ko" and source.publisher is None and source.url is None
    assert source.evidence == () and source.references() == []


def test_each_line_is_in_its_events_stream() -> None:
    ids = {line.id: line.stream_id for line in SEED}
    for line, event in DECODED:
        if isinstance(event, events.FactCorrected):
            assert line.stream_id == ids[event.target]
        else:
            assert line.stream_id == event.stream_id()


def test_the_errata_come_after_the_seed_as_first_published() -> None:
    """Stores seeded by an earlier release receive the errata as new events: the first events
    never change, and every erratum corrects a fact (not a correction) published before it."""
    first = SEED[:FIRST_PUBLISHED]
    assert [line.type for line in first].count("fact.corrected") == 0
    assert first[0].type == "source.registered" and first[-1].stream_id == (
        "initiative-pipc-generative-ai-guide"
    )
    published_before: set[uuid.UUID] = set()
    for line, event in DECODED:
        if isinstance(event, events.FactCorrected):
            assert event.target in published_before, line.stream_id
            assert event.reason and event.evidence
        else:
            published_before.add(line.id)
    assert all(line.type == "fact.corrected" for line in SEED[FIRST_PUBLISHED + FIRST_ERRATA:])


def test_the_lines_a_release_published_never_change() -> None:
    lines = EVENTS_PATH.read_bytes().splitlines(keepends=True)
    for count, sha256 in RELEASED.items():
        assert hashlib.sha256(b"".join(lines[:count])).hexdigest() == sha256, count


def test_ids_are_unique_and_deterministic() -> None:
    ids = [line.id for line in SEED]
    assert len(set(ids)) == len(ids)
    versions: Counter[str] = Counter()
    for line in SEED:
        versions[line.stream_id] += 1
        name = f"policy-timeline:seed:{line.stream_id}:{versions[line.stream_id]}"
        assert line.id == uuid.uuid5(uuid.NAMESPACE_URL, name)


def test_every_quote_is_an_exact_substring_of_the_article() -> None:
    for _, event in DECODED:
        for evidence in getattr(event, "evidence", ()):
            assert evidence.source_id == SOURCE_ID
            assert events.quote_in_text(evidence.quote, ARTICLE_TEXT), evidence.quote


def test_every_fact_and_registration_cites_the_article() -> None:
    for line, event in DECODED[1:]:
        assert event.evidence, line.stream_id


def test_references_point_at_entities_registered_earlier() -> None:
    registered: set[str] = set()
    stored: set[str] = set()
    for line, event in DECODED:
        for reference in event.references():
            if reference.kind == "event":
                assert reference.id in stored, f"{line.stream_id} amends {reference.id} too early"
            else:
                assert reference.stream_id in registered, f"{line.stream_id} uses {reference} too early"
        registered.add(line.stream_id)
        stored.add(str(line.id))


def test_the_two_agencies_with_their_official_names() -> None:
    mss, pipc = BY_STREAM["agency-mss"], BY_STREAM["agency-pipc"]
    assert (mss.name_ko, mss.short_ko, mss.name_en, mss.short_en) == (
        "중소벤처기업부",
        "중기부",
        "Ministry of SMEs and Startups",
        "MSS",
    )
    assert (pipc.name_ko, pipc.short_ko, pipc.name_en, pipc.short_en) == (
        "개인정보보호위원회",
        "개인정보위",
        "Personal Information Protection Commission",
        "PIPC",
    )


def test_the_companies_and_people_named_in_the_article() -> None:
    organizations = [e for e in BY_STREAM.values() if isinstance(e, events.OrganizationRegistered)]
    companies = {e.name_ko: e.name_en for e in organizations}
    assert companies == {
        "뤼튼테크놀로지스": "Wrtn Technologies",
        "클레온": "Klleon",
        "스캐터랩": "Scatter Lab",
        "모레": "Moreh",
        "엘리스그룹": "Elice Group",
    }
    people = {
        e.name_ko: (e.affiliations[0].id, e.affiliations[0].title_ko)
        for e in BY_STREAM.values()
        if isinstance(e, events.PersonRegistered)
    }
    assert people == {
        "오영주": ("mss", "장관"),
        "고학수": ("pipc", "위원장"),
        "유영준": ("wrtn-technologies", "이사"),
        "서지호": ("klleon", "최고운영책임자"),
    }


def test_the_plan_of_last_month_is_february_at_month_precision() -> None:
    plan = BY_STREAM["initiative-mss-ai-startup-ai-diffusion-plan"]
    assert plan.title_ko == "AI 스타트업 육성을 통한 AI 활용·확산 방안" and plan.title_is_official
    assert plan.occurred == events.Occurred(date="2025-02", original="지난달")
    assert plan.occurred.precision == "month"
    assert plan.status == "published"


def test_the_review_meeting_was_held_recently_with_about_twenty_people() -> None:
    meeting = BY_STREAM["meeting-mss-workforce-policy-review"]
    assert meeting.title_ko == "인력정책 방향 점검 회의" and meeting.organiser == "mss"
    assert meeting.occurred == events.Occurred(date="2025-03", approximate=True, original="최근")
    assert events.ActorRef(kind="person", id="oh-young-ju") in meeting.attendees
    assert meeting.attendee_count == events.Count(value=20, approximate=True, original="20여명")
    # She is one of the 20여명, in the English too, and the startups are Korean (국내).
    assert meeting.summary_en.startswith(
        "About 20 people, among them the minister, people from Korean AI startups and"
        " manufacturing AI companies, and experts, discussed"
    )


def test_the_roundtable_was_on_the_24th_of_march_2025() -> None:
    roundtable = BY_STREAM["meeting-pipc-ai-startup-roundtable"]
    assert roundtable.title_ko == "AI 스타트업 간담회" and roundtable.organiser == "pipc"
    assert roundtable.occurred == events.Occurred(date="2025-03-24", original="24일")
    assert roundtable.occurred.precision == "day"
    assert roundtable.summary_ko.startswith("개인정보위가") and roundtable.summary_en.startswith("PIPC ")


def test_statements_made_at_a_meeting_have_its_date_and_no_copy_of_it() -> None:
    statements = [e for e in BY_STREAM.values() if isinstance(e, events.StatementMade)]
    at_meetings = [s for s in statements if s.meeting is not None]
    assert len(at_meetings) == 7
    assert all(s.occurred is None for s in at_meetings)
    elsewhere = [s for s in statements if s.meeting is None]
    assert {s.speaker.id for s in elsewhere} == {"oh-young-ju", "ko-hak-soo"}
    assert all(s.occurred == events.Occurred(date="2025-03", approximate=True) for s in elsewhere)


def test_no_day_is_invented() -> None:
    for line, event in DECODED:
        occurred = getattr(event, "occurred", None)
        if occurred is not None and occurred.precision == "day":
            at_roundtable = line.stream_id == "meeting-pipc-ai-startup-roundtable" or (
                getattr(event, "meeting", None) == "pipc-ai-startup-roundtable"
            )
            assert occurred.date == "2025-03-24" and at_roundtable, line.stream_id
    for line, event in DECODED:
        if line.type in FACT_TYPES:
            assert event.occurred.earliest() <= events.Occurred(date="2025-03").latest()


def test_the_planned_initiatives_follow_the_meetings() -> None:
    follow_up = BY_STREAM["initiative-mss-ai-startup-competitiveness-measures"]
    guide = BY_STREAM["initiative-pipc-generative-ai-guide"]
    assert (follow_up.status, follow_up.due, follow_up.meetings) == (
        "planned",
        "향후",
        ("mss-workforce-policy-review",),
    )
    assert (guide.status, guide.title_ko, guide.meetings) == (
        "planned",
        "생성형 AI 도입 및 활용 안내서",
        ("pipc-ai-startup-roundtable",),
    )


def test_the_statements_each_speaker_made() -> None:
    statements = [e for e in BY_STREAM.values() if isinstance(e, events.StatementMade)]
    speakers = {(s.speaker.id or s.speaker.description_ko, s.kind, s.meeting) for s in statements}
    assert speakers == {
        ("회의 참석자 (정책을 제시한 주체는 기사에 나오지 않음)", "proposal", "mss-workforce-policy-review"),
        ("yoo-young-joon", "proposal", "mss-workforce-policy-review"),
        ("seo-ji-ho", "proposal", "mss-workforce-policy-review"),
        ("oh-young-ju", "pledge", None),  # the article does not place her remarks at the meeting
        ("scatter-lab", "presentation", "pipc-ai-startup-roundtable"),
        ("moreh", "presentation", "pipc-ai-startup-roundtable"),
        ("elice-group", "presentation", "pipc-ai-startup-roundtable"),
        ("다수의 기업들", "proposal", "pipc-ai-startup-roundtable"),
        ("ko-hak-soo", "pledge", None),
    }


def test_the_officials_are_quoted_verbatim_and_both_passages_are_kept() -> None:
    statements = [s for s in BY_STREAM.values() if isinstance(s, events.StatementMade)]
    verbatim = {s.speaker.id: s for s in statements if s.verbatim}
    assert set(verbatim) == {"oh-young-ju", "ko-hak-soo"}
    for statement in verbatim.values():
        passages = statement.text.split("\n")
        assert len(passages) == 2
        for passage in passages:
            assert f'"{passage}"' in ARTICLE_TEXT


def test_the_unnamed_companies_are_a_group_without_invented_members() -> None:
    proposals = BY_STREAM["statement-pipc-roundtable-companies-proposals"]
    assert proposals.speaker == events.Speaker(
        kind="group",
        description_ko="다수의 기업들",
        description_en="many companies at the roundtable (not named in the article)",
    )
    assert "anonymised and pseudonymised data" in proposals.text_en
    # "등의 지원 방안": support measures such as these, not a complete list.
    assert "support measures for lawful use of user data, such as guidance" in proposals.text_en


def test_the_english_says_what_the_korean_says() -> None:
    seo = BY_STREAM["statement-mss-review-seo-ji-ho-proposal"]
    oh = BY_STREAM["statement-mss-review-oh-young-ju-remarks"]
    assert "compensation system" in seo.text_en and "pay" not in seo.text_en
    assert "seize an early lead" in oh.text_en
    ko = BY_STREAM["statement-pipc-ko-hak-soo-open-source-remarks"]
    assert "the risk factors related to AI data processing are minimised" in ko.text_en
    elice = BY_STREAM["statement-pipc-roundtable-elice-group-presentation"]
    assert elice.text_en.endswith(
        "and cases of using open-source models in providing AI cloud infrastructure."
    )


def test_a_list_the_article_leaves_open_stays_open() -> None:
    """"등 다양한 정책": the policies named are some of those presented, not all."""
    policies = BY_STREAM["statement-mss-review-policies-presented"]
    assert policies.text.endswith("우수인재 채용 및 근속 유도를 위한 정부 지원 방안 등 다양한 정책")
    assert policies.text_en.startswith("Various policies, among them stronger industry-academia")


def test_the_roundtables_open_discussion_has_no_subject_the_article_does_not_give() -> None:
    """The article says who made the proposals ("다수의 기업들") but gives the sentence on the
    difficulties and requests raised in the open discussion no subject: nor does the summary."""
    roundtable = BY_STREAM["meeting-pipc-ai-startup-roundtable"]
    assert roundtable.summary_ko == (
        "개인정보위가 오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다. 국내 AI 스타트업들이"
        " 오픈소스 모델을 활용한 주요 성과와 사례를 공유했다. 발표 이후 진행된 자유 토론에서는 생성형 AI"
        " 개발·도입 과정에서 겪은 다양한 데이터 및 개인정보 관련 애로·건의사항을 제시하는 시간을 가졌다."
    )
    assert "key results" in roundtable.summary_en
    assert "encountered in developing and adopting generative AI" in roundtable.summary_en
    assert "compan" not in roundtable.summary_en and "기업" not in roundtable.summary_ko
    [erratum] = [
        e for line, e in ERRATA[-SECOND_ERRATA:]
        if line.stream_id == "meeting-pipc-ai-startup-roundtable"
    ]
    assert "subject" in erratum.reason and "참석 기업들이" in erratum.reason


def test_the_seeds_own_korean_is_plain() -> None:
    plan = BY_STREAM["initiative-mss-ai-startup-ai-diffusion-plan"]
    assert plan.summary_ko == "중기부가 AI 스타트업 육성을 통해 AI 활용을 확산하고자 마련한 방안."
    for fact in BY_STREAM.values():
        for field in ("text", "summary_ko", "title_ko"):
            value = getattr(fact, field, None)
            if value and not isinstance(fact, events.SourceRegistered):
                # A comma after a joining 과/와 ("기술과, 구글 젬마와") is not Korean punctuation.
                assert not re.search(r"[과와], ", value), (type(fact).__name__, field, value)


def test_the_ledes_plan_has_two_parts() -> None:
    """"인재를 양성하고, … 지원한다는 계획": training talent is one part of the plan, not the
    purpose of the support for open-source models."""
    plan = BY_STREAM["initiative-kr-government-open-source-ai-model-support"]
    assert plan.summary_en.startswith(
        "The government plans to train competitive talent in AI, and to actively support the"
        " development of open-source AI models so that the startups concerned can have a greater"
        " impact on global markets."
    )
    assert plan.summary_ko.startswith("정부가 AI 분야에서 경쟁력 있는 인재를 양성하고, 관련 스타트업이")


def test_the_source_note_says_how_the_roundtable_dates_the_article() -> None:
    """The roundtable is reported as held, its day with no month: the article appeared between
    24 and 31 March 2025, which the note says without making it a day."""
    source = BY_STREAM["source-article-ai-startup-ecosystem-2025-03"]
    assert source.published == events.Occurred(date="2025-03")
    assert "reports the roundtable as already held" in source.note
    assert "usually do only for a day of the month they appear in" in source.note
    assert source.note.endswith("so it appeared between 24 and 31 March 2025.")


def test_the_ledes_plan_is_the_governments_and_names_no_body() -> None:
    government = BY_STREAM["agency-kr-government"]
    assert (government.kind, government.short_ko) == ("government", "정부")
    plan = BY_STREAM["initiative-kr-government-open-source-ai-model-support"]
    assert plan.agency == "kr-government" and plan.status == "planned"
    assert not plan.title_is_official
    assert any("오픈 소스 기반 AI 모델의 발전을 적극 지원한다는 계획" in e.quote for e in plan.evidence)
    assert plan.occurred == events.Occurred(date="2025-03", approximate=True)
