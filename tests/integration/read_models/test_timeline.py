"""The seeded article on MSS's and PIPC's timelines: the right entries, in order, with evidence."""

from __future__ import annotations

from datetime import date

from events.seed import ARTICLE_TEXT
from service.queries.paging import SortKey
from service.queries.timeline import timeline_page


def subjects(page) -> list[str]:
    return [entry.subject.id for entry in page.entries]


async def test_mss_timeline_opens_with_last_months_plan_at_month_precision(connection):
    page = await timeline_page(connection, "mss")
    plan = page.entries[0]
    assert plan.subject.id == "mss-ai-startup-ai-diffusion-plan"
    assert plan.type == "initiative.announced"
    assert (plan.date, plan.precision, plan.original_words) == ("2025-02", "month", "지난달")
    assert (plan.earliest, plan.latest) == (date(2025, 2, 1), date(2025, 2, 28))
    assert plan.title_ko == "AI 스타트업 육성을 통한 AI 활용·확산 방안"
    assert plan.roles == ["responsible"]


async def test_mss_timeline_holds_its_meeting_the_proposals_made_there_and_its_plans(connection):
    page = await timeline_page(connection, "mss")
    assert subjects(page) == [
        "mss-ai-startup-ai-diffusion-plan",
        "mss-workforce-policy-review",
        "mss-review-policies-presented",
        "mss-review-yoo-young-joon-proposal",
        "mss-review-seo-ji-ho-proposal",
        "mss-review-oh-young-ju-remarks",
        # Built on the review meeting (a month, like every entry of March here): after
        # everything that starts on March 1 (docs/read-models.md, "The ordering rule").
        "mss-ai-startup-competitiveness-measures",
    ]
    roles = {entry.subject.id: entry.roles for entry in page.entries}
    assert roles["mss-workforce-policy-review"] == ["organiser"]
    # Startup executives spoke at MSS's meeting: their proposals are on MSS's timeline as host.
    assert roles["mss-review-yoo-young-joon-proposal"] == ["host"]
    # The minister speaks for MSS; the article does not place her remarks at the meeting.
    assert roles["mss-review-oh-young-ju-remarks"] == ["speaker"]


async def test_the_mss_meeting_is_recent_so_march_and_approximate(connection):
    page = await timeline_page(connection, "mss")
    meeting = page.entries[1]
    assert (meeting.date, meeting.precision, meeting.approximate) == ("2025-03", "month", True)
    assert meeting.original_words == "최근"
    assert meeting.title_en == "Review meeting on the direction of workforce policy"
    assert {(p.kind, p.id, p.role) for p in meeting.participants} >= {
        ("agency", "mss", "organiser"),
        ("person", "oh-young-ju", "attendee"),
    }


async def test_pipc_roundtable_is_on_the_24th_and_the_guide_based_on_it_follows_it(connection):
    page = await timeline_page(connection, "pipc")
    assert subjects(page) == [
        "pipc-ko-hak-soo-open-source-remarks",
        "pipc-ai-startup-roundtable",
        "pipc-roundtable-scatter-lab-presentation",
        "pipc-roundtable-moreh-presentation",
        "pipc-roundtable-elice-group-presentation",
        "pipc-roundtable-companies-proposals",
        # A month (2025-03) that builds on the roundtable ("간담회 논의 결과를 바탕으로").
        "pipc-generative-ai-guide",
    ]
    roundtable = page.entries[1]
    assert (roundtable.date, roundtable.precision, roundtable.original_words) == (
        "2025-03-24",
        "day",
        "24일",
    )
    assert roundtable.earliest == roundtable.latest == date(2025, 3, 24)


async def test_statements_at_the_roundtable_are_on_pipcs_timeline_as_host(connection):
    page = await timeline_page(connection, "pipc", types=["statement.made"])
    at_roundtable = [e for e in page.entries if e.meeting_id == "pipc-ai-startup-roundtable"]
    assert len(at_roundtable) == 4
    assert all(entry.roles == ["host"] for entry in at_roundtable)
    assert all(entry.date == "2025-03-24" for entry in at_roundtable)
    companies = at_roundtable[-1]
    [group] = companies.participants
    assert (group.kind, group.id, group.description_ko) == ("group", None, "다수의 기업들")


async def test_the_chairpersons_remarks_are_on_pipcs_timeline_through_his_affiliation(connection):
    page = await timeline_page(connection, "pipc")
    remarks = page.entries[0]
    assert remarks.roles == ["speaker"]
    assert remarks.meeting_id is None
    assert (remarks.date, remarks.precision, remarks.approximate) == ("2025-03", "month", True)


async def test_every_entry_quotes_the_article_exactly_and_names_its_source(connection):
    for agency in ("kr-government", "mss", "pipc"):
        page = await timeline_page(connection, agency)
        for entry in page.entries:
            assert entry.evidence, entry.subject
            for evidence in entry.evidence:
                assert evidence.quote in ARTICLE_TEXT
            assert entry.source_ids == ["article-ai-startup-ecosystem-2025-03"]
            assert entry.retraction is None
            # The seed's errata are corrections that quote the article too.
            assert entry.state == ("corrected" if entry.corrections else "active")
            for correction in entry.corrections:
                assert correction.reason and all(e.quote in ARTICLE_TEXT for e in correction.evidence)


async def test_korean_text_comes_back_as_it_was_appended(connection, seeded_log):
    page = await timeline_page(connection, "mss")
    [remarks] = [e for e in page.entries if e.subject.id == "mss-review-oh-young-ju-remarks"]
    appended = seeded_log.data_of("statement-mss-review-oh-young-ju-remarks")
    assert remarks.title_ko.encode() == appended["text"].encode()
    assert remarks.evidence[0].quote.encode() == appended["evidence"][0]["quote"].encode()


async def test_the_period_keeps_entries_whose_days_overlap_it(connection):
    february = await timeline_page(connection, "mss", start=date(2025, 2, 1), end=date(2025, 2, 28))
    assert subjects(february) == ["mss-ai-startup-ai-diffusion-plan"]
    # A month-precision entry may fall on the 24th, so it stays in a one-day period.
    the_24th = await timeline_page(
        connection, "pipc", start=date(2025, 3, 24), end=date(2025, 3, 24)
    )
    assert len(the_24th.entries) == 7
    after = await timeline_page(connection, "pipc", start=date(2025, 3, 25))
    assert subjects(after) == ["pipc-ko-hak-soo-open-source-remarks", "pipc-generative-ai-guide"]


async def test_an_entry_sorted_after_its_meeting_is_still_in_the_periods_of_its_own_days(connection):
    """The guide (2025-03) sorts on the roundtable's day (the 24th) but starts on March 1."""
    early_march = await timeline_page(
        connection, "pipc", start=date(2025, 3, 1), end=date(2025, 3, 10)
    )
    assert subjects(early_march) == [
        "pipc-ko-hak-soo-open-source-remarks", "pipc-generative-ai-guide"
    ]
    [guide] = early_march.entries[1:]
    assert (guide.date, guide.earliest, guide.latest) == ("2025-03", date(2025, 3, 1), date(2025, 3, 31))
    february = await timeline_page(connection, "pipc", end=date(2025, 2, 28))
    assert subjects(february) == []


async def test_pages_follow_one_another_without_gaps_or_repeats(connection):
    everything = await timeline_page(connection, "pipc")
    seen, after = [], None
    for _ in range(1000):  # a cursor that repeats itself fails instead of looping for ever
        page = await timeline_page(connection, "pipc", limit=2, after=after)
        seen += subjects(page)
        if page.next_cursor is None:
            break
        after = SortKey.parse(page.next_cursor)
    else:
        raise AssertionError("no last page within 1000 pages")
    assert seen == subjects(everything)
