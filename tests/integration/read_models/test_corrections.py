"""Corrections rebuild the entries they touch and keep what changed and why; retractions mark
entries retracted with the reason. Nothing is deleted."""

from __future__ import annotations

from datetime import date

from events.seed import SOURCE_ID
from service.queries.agencies import get_agency
from service.queries.initiatives import get_initiative
from service.queries.meetings import get_meeting
from service.queries.organizations import get_organization
from service.queries.sources import get_source
from service.queries.statements import statement_page
from service.queries.timeline import timeline_page

MSS_MEETING = "meeting-mss-workforce-policy-review"
MEETING_QUOTE = "최근 '인력정책 방향 점검 회의'를 개최하고"
ROUNDTABLE_QUOTE = "24일 개인정보위는 'AI 스타트업 간담회'를 열고"
GUIDE_STREAM = "initiative-pipc-generative-ai-guide"
GUIDE_QUOTE = "'생성형 AI 도입 및 활용 안내서'를 마련할 계획이다"
GUIDE_IN_PREPARATION = {
    "initiative_id": "pipc-generative-ai-guide",
    "status": "in_preparation",
    "note_ko": "안내서 마련 중",
    "occurred": {"date": "2025-04"},
    "evidence": [{"source_id": SOURCE_ID, "quote": GUIDE_QUOTE}],
}
"""A status change of PIPC's guide, with a Korean note and the article's quote."""


def entry(page, subject_id):
    return next(e for e in page.entries if e.subject.id == subject_id)


def subjects(page):
    return [e.subject.id for e in page.entries]


async def test_a_corrected_date_moves_the_entry_and_keeps_what_it_replaced(connection, seeded_log):
    correction = await seeded_log.correct(
        MSS_MEETING,
        {"occurred": {"date": "2025-03-11"}},
        "another report gives the day of the meeting",
        MEETING_QUOTE,
    )
    page = await timeline_page(connection, "mss")
    meeting = entry(page, "mss-workforce-policy-review")
    assert (meeting.date, meeting.precision, meeting.approximate) == ("2025-03-11", "day", False)
    assert meeting.earliest == meeting.latest == date(2025, 3, 11)
    assert meeting.state == "corrected"
    *errata, change = meeting.corrections  # the seed's two errata of its English summary, then this
    assert [list(erratum.changes) for erratum in errata] == [["summary_en"], ["summary_en"]]
    assert change.event_id == correction
    assert change.changes == {"occurred": {"date": "2025-03-11"}}
    assert change.previous == {
        "occurred": {"date": "2025-03", "approximate": True, "original": "최근"}
    }
    assert change.reason == "another report gives the day of the meeting"
    assert change.evidence[0].quote == MEETING_QUOTE
    # Month-precision facts of March now come before the day it was held, and the statements
    # made at the meeting moved with it; so did the measures built on it (docs/read-models.md).
    assert subjects(page)[-5:] == [
        "mss-workforce-policy-review",
        "mss-review-policies-presented",
        "mss-review-yoo-young-joon-proposal",
        "mss-review-seo-ji-ho-proposal",
        "mss-ai-startup-competitiveness-measures",
    ]
    # The other read models of the meeting follow the same correction.
    held = await get_meeting(connection, "mss-workforce-policy-review")
    assert (held.date, held.state, held.corrections[-1].event_id) == (
        "2025-03-11",
        "corrected",
        correction,
    )


async def test_a_corrected_organiser_moves_the_meeting_and_its_statements(connection, seeded_log):
    await seeded_log.correct(MSS_MEETING, {"organiser": "pipc"}, "a test of moving", MEETING_QUOTE)
    mss = await timeline_page(connection, "mss")
    pipc = await timeline_page(connection, "pipc")
    assert "mss-workforce-policy-review" not in subjects(mss)
    assert entry(pipc, "mss-workforce-policy-review").roles == ["organiser"]
    assert entry(pipc, "mss-review-yoo-young-joon-proposal").roles == ["host"]
    # The minister's remarks were not made at the meeting: they stay with MSS alone.
    assert entry(mss, "mss-review-oh-young-ju-remarks").roles == ["speaker"]
    assert "mss-review-oh-young-ju-remarks" not in subjects(pipc)
    counts = (await get_agency(connection, "pipc")).counts
    assert (counts.meetings_organised, counts.statements) == (2, 8)


async def test_a_retracted_statement_stays_on_the_timeline_marked_with_the_reason(
    connection, seeded_log
):
    before = (await get_agency(connection, "pipc")).counts
    retraction = await seeded_log.retract(
        "statement-pipc-roundtable-companies-proposals",
        "the article does not say these were proposals of the companies present",
        ROUNDTABLE_QUOTE,
    )
    page = await timeline_page(connection, "pipc")
    proposals = entry(page, "pipc-roundtable-companies-proposals")
    assert proposals.state == "retracted"
    assert proposals.retraction.event_id == retraction
    assert proposals.retraction.reason.startswith("the article does not say")
    assert proposals.evidence and proposals.title_ko.startswith("자사 또는 고객사의")
    after = (await get_agency(connection, "pipc")).counts
    assert after.statements == before.statements - 1
    assert after.timeline_entries == before.timeline_entries - 1


async def test_retracting_the_latest_entry_moves_the_latest_activity_back(connection, seeded_log):
    # The guide, built on the roundtable, is PIPC's last entry (docs/read-models.md).
    latest = (await get_agency(connection, "pipc")).latest_activity
    assert latest.title_ko == "생성형 AI 도입 및 활용 안내서"
    await seeded_log.retract("initiative-pipc-generative-ai-guide", "withdrawn", ROUNDTABLE_QUOTE)
    latest = (await get_agency(connection, "pipc")).latest_activity
    assert latest.title_ko.startswith("자사 또는 고객사의")
    assert (latest.date, latest.precision) == ("2025-03-24", "day")


async def test_corrected_affiliations_move_a_persons_statements_between_timelines(
    connection, seeded_log
):
    await seeded_log.correct(
        "person-ko-hak-soo",
        {"affiliations": [{"kind": "agency", "id": "mss", "title_ko": "장관"}]},
        "a test of moving",
        "고학수 개인정보위 위원장",
    )
    assert "pipc-ko-hak-soo-open-source-remarks" not in subjects(
        await timeline_page(connection, "pipc")
    )
    remarks = entry(await timeline_page(connection, "mss"), "pipc-ko-hak-soo-open-source-remarks")
    assert remarks.roles == ["speaker"]
    # The statement itself was not corrected: only where it shows (the seed's erratum of its
    # English is its one correction).
    assert remarks.state == "corrected"
    assert [list(c.changes) for c in remarks.corrections] == [["text_en"]]


async def test_a_status_change_is_titled_by_its_initiative_and_sets_the_current_status(
    connection, seeded_log
):
    change = await seeded_log.append(
        GUIDE_STREAM,
        "initiative.status_changed",
        GUIDE_IN_PREPARATION,
    )
    await seeded_log.correct(
        GUIDE_STREAM, {"title_en": "Generative AI guide"}, "shorter title", GUIDE_QUOTE
    )
    page = await timeline_page(connection, "pipc")
    status_entry = page.entries[-1]
    assert status_entry.event_id == change
    assert (status_entry.type, status_entry.status, status_entry.roles) == (
        "initiative.status_changed",
        "in_preparation",
        ["responsible"],
    )
    assert status_entry.title_ko == "생성형 AI 도입 및 활용 안내서"
    assert status_entry.title_en == "Generative AI guide"
    assert status_entry.summary_ko == "안내서 마련 중"
    guide = await get_initiative(connection, "pipc-generative-ai-guide")
    assert guide.status == "in_preparation"
    assert [item.status for item in guide.history] == ["planned", "in_preparation"]
    assert guide.state == "corrected" and guide.title_en == "Generative AI guide"


async def test_a_retracted_status_change_no_longer_sets_the_status(connection, seeded_log):
    change = await seeded_log.append(
        GUIDE_STREAM,
        "initiative.status_changed",
        {
            "initiative_id": "pipc-generative-ai-guide",
            "status": "published",
            "occurred": {"date": "2025-05"},
            "evidence": [{"source_id": SOURCE_ID, "quote": GUIDE_QUOTE}],
        },
    )
    await seeded_log.retract_event(GUIDE_STREAM, change, "not published yet", GUIDE_QUOTE)
    guide = await get_initiative(connection, "pipc-generative-ai-guide")
    assert guide.status == "planned"
    assert [(item.status, item.state) for item in guide.history] == [
        ("planned", "active"),
        ("published", "retracted"),
    ]
    assert guide.history[1].retraction.reason == "not published yet"


async def test_a_corrected_statement_changes_where_filters_find_it(connection, seeded_log):
    await seeded_log.correct(
        "statement-mss-review-seo-ji-ho-proposal",
        {"kind": "remark"},
        "he stressed a need rather than proposing",
        "스톡옵션 지원 확대를 통한",
    )
    proposals = await statement_page(
        connection, meeting_id="mss-workforce-policy-review", kind="proposal"
    )
    remarks = await statement_page(connection, kind="remark")
    assert "mss-review-seo-ji-ho-proposal" not in [s.statement_id for s in proposals.statements]
    [remark] = remarks.statements
    assert (remark.statement_id, remark.state) == ("mss-review-seo-ji-ho-proposal", "corrected")
    assert remark.corrections[-1].previous == {"kind": "proposal"}


async def test_a_source_lists_the_quotes_of_facts_as_corrected_and_the_correction_itself(
    connection, seeded_log
):
    correction = await seeded_log.correct(
        MSS_MEETING,
        {"evidence": [{"source_id": SOURCE_ID, "quote": MEETING_QUOTE}]},
        "one quote is enough",
        MEETING_QUOTE,
    )
    source = await get_source(connection, SOURCE_ID)
    meeting_quotes = [
        f.quote for f in source.facts if f.stream_id == MSS_MEETING and f.type == "meeting.held"
    ]
    assert meeting_quotes == [MEETING_QUOTE]
    [cited] = [f for f in source.facts if f.event_id == correction]
    assert (cited.type, cited.quote, cited.state) == ("fact.corrected", MEETING_QUOTE, "active")


async def test_a_corrected_agency_profile_keeps_the_name_it_replaced(connection, seeded_log):
    await seeded_log.correct(
        "agency-pipc",
        {"short_en": "PIPC Korea"},
        "a test of profiles",
        "개인정보보호위원회(이하 개인정보위)",
    )
    pipc = await get_agency(connection, "pipc")
    assert (pipc.short_en, pipc.state) == ("PIPC Korea", "corrected")
    assert pipc.corrections[0].previous == {"short_en": "PIPC"}
    assert pipc.name_ko == "개인정보보호위원회"


async def test_a_retracted_organization_is_still_there_marked_retracted(connection, seeded_log):
    await seeded_log.retract(
        "organization-moreh", "a test of retraction", "AI 인프라 솔루션 기업 '모레'"
    )
    moreh = await get_organization(connection, "moreh")
    assert (moreh.name_ko, moreh.state) == ("모레", "retracted")
    assert moreh.retraction.reason == "a test of retraction"
    # Its statement is another fact, and stands (as the seed's erratum of its date left it).
    assert [s.state for s in moreh.statements] == ["corrected"]
