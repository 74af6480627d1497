"""A safety net of behaviour tests: fixed answers, written out here, that the read models must
give for the seed article (events/seed/article.ko.jsonl), whatever engine folds them.

They use only the stable interfaces: the API over HTTP (the ``client`` fixture), the seeded
log and its helpers, ``PROJECTIONS`` (names and tables) for plain-SQL damage, and the CLI.
A rebuild is checked against literal expectations on tables emptied beforehand, so a rebuild
that leaves the live tables alone, or swaps in only some of them, cannot pass; comparing the
answers after a rebuild with the answers before it, made by the same code, could not tell.
"""

from __future__ import annotations

import asyncio
import time

from events.seed import SOURCE_ID
from service.cli import main
from service.read_models import PROJECTIONS

# Long enough for other test runs on the same server to release the gap-safe feed.
REPLAY_TIMEOUT_SECONDS = 60.0

MEETING_DAY_QUOTE = "최근 '인력정책 방향 점검 회의'를 개최하고"
PROPOSALS_QUOTE = "24일 개인정보위는"


async def get_json(api, path: str, **params) -> dict:
    response = await api.get(path, params=params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


# --- The amended seed: what every read model must answer ----------------------------------


async def amend_the_seed(seeded_log) -> None:
    """Give the MSS meeting its day, and retract the unnamed companies' proposals."""
    await seeded_log.correct(
        "meeting-mss-workforce-policy-review",
        {"occurred": {"date": "2025-03-11"}},
        "another report gives the day",
        MEETING_DAY_QUOTE,
    )
    await seeded_log.retract(
        "statement-pipc-roundtable-companies-proposals",
        "the article does not say which companies",
        PROPOSALS_QUOTE,
    )


# The seed's errata (events/seed/build.py) corrected most statements: those made at a meeting
# lost their copy of its date and follow it; the minister's remarks left the meeting. The second
# review's corrected wording (the plan's Korean summary, the chairperson's English, the lede's
# plan) changes no date or order.
MSS_TIMELINE = [
    ("initiative.announced", "mss-ai-startup-ai-diffusion-plan", "2025-02", "corrected"),
    ("statement.made", "mss-review-oh-young-ju-remarks", "2025-03", "corrected"),
    # Corrected to a day, the meeting now comes after every entry of "March", and the
    # statements made at it move with it; so do the measures built on it (docs/read-models.md).
    ("meeting.held", "mss-workforce-policy-review", "2025-03-11", "corrected"),
    ("statement.made", "mss-review-policies-presented", "2025-03-11", "corrected"),
    ("statement.made", "mss-review-yoo-young-joon-proposal", "2025-03-11", "corrected"),
    ("statement.made", "mss-review-seo-ji-ho-proposal", "2025-03-11", "corrected"),
    ("initiative.announced", "mss-ai-startup-competitiveness-measures", "2025-03", "active"),
]

PIPC_TIMELINE = [
    ("statement.made", "pipc-ko-hak-soo-open-source-remarks", "2025-03", "corrected"),
    ("meeting.held", "pipc-ai-startup-roundtable", "2025-03-24", "corrected"),
    ("statement.made", "pipc-roundtable-scatter-lab-presentation", "2025-03-24", "corrected"),
    ("statement.made", "pipc-roundtable-moreh-presentation", "2025-03-24", "corrected"),
    ("statement.made", "pipc-roundtable-elice-group-presentation", "2025-03-24", "corrected"),
    # Retracted entries stay on the timeline, marked.
    ("statement.made", "pipc-roundtable-companies-proposals", "2025-03-24", "retracted"),
    # Based on the roundtable's results: after it (docs/read-models.md, "The ordering rule").
    ("initiative.announced", "pipc-generative-ai-guide", "2025-03", "active"),
]

GOVERNMENT_TIMELINE = [
    ("initiative.announced", "kr-government-open-source-ai-model-support", "2025-03", "corrected"),
]

# In date order: the officials' remarks of March, then the meetings' days.
STATEMENTS = [
    ("mss-review-oh-young-ju-remarks", "corrected"),
    ("pipc-ko-hak-soo-open-source-remarks", "corrected"),
    ("mss-review-policies-presented", "corrected"),
    ("mss-review-yoo-young-joon-proposal", "corrected"),
    ("mss-review-seo-ji-ho-proposal", "corrected"),
    ("pipc-roundtable-scatter-lab-presentation", "corrected"),
    ("pipc-roundtable-moreh-presentation", "corrected"),
    ("pipc-roundtable-elice-group-presentation", "corrected"),
    ("pipc-roundtable-companies-proposals", "retracted"),
]


async def timeline_of(api, agency_id: str) -> list[tuple[str, str, str, str]]:
    body = await get_json(api, f"/agencies/{agency_id}/timeline")
    assert body["next_cursor"] is None
    return [(e["type"], e["subject"]["id"], e["date"], e["state"]) for e in body["entries"]]


async def assert_the_agencies_answer_as_amended(api) -> None:
    agencies = {a["agency_id"]: a for a in (await get_json(api, "/agencies"))["agencies"]}
    assert sorted(agencies) == ["kr-government", "mss", "pipc"]
    mss, pipc = agencies["mss"], agencies["pipc"]
    assert (mss["name_ko"], mss["short_en"], mss["state"]) == ("중소벤처기업부", "MSS", "active")
    assert (pipc["name_ko"], pipc["short_en"], pipc["state"]) == ("개인정보보호위원회", "PIPC", "active")
    assert mss["counts"] == {
        "meetings_organised": 1,
        "initiatives": 2,
        "statements": 4,
        "statements_spoken": 1,
        "statements_at_its_meetings": 3,
        "timeline_entries": 7,
    }
    # The retracted proposals no longer count.
    assert pipc["counts"] == {
        "meetings_organised": 1,
        "initiatives": 1,
        "statements": 4,
        "statements_spoken": 1,
        "statements_at_its_meetings": 3,
        "timeline_entries": 6,
    }
    latest = mss["latest_activity"]  # the measures, built on the meeting, follow it
    assert (latest["type"], latest["date"], latest["precision"], latest["title_ko"]) == (
        "initiative.announced",
        "2025-03",
        "month",
        "국내 AI 스타트업 생태계 경쟁력 강화 방안",
    )
    latest = pipc["latest_activity"]
    assert (latest["type"], latest["date"], latest["event_id"]) == (
        "initiative.announced",
        "2025-03",
        "3e13201b-95ed-57d0-a7d3-a3d9f37bf149",  # the guide, built on the roundtable
    )
    profile = await get_json(api, "/agencies/mss")
    assert (profile["name_en"], profile["kind"], profile["counts"]["timeline_entries"]) == (
        "Ministry of SMEs and Startups",
        "ministry",
        7,
    )


async def assert_the_timelines_answer_as_amended(api) -> None:
    assert await timeline_of(api, "mss") == MSS_TIMELINE
    assert await timeline_of(api, "pipc") == PIPC_TIMELINE
    assert await timeline_of(api, "kr-government") == GOVERNMENT_TIMELINE


async def assert_the_initiatives_answer_as_amended(api) -> None:
    plan = await get_json(api, "/initiatives/mss-ai-startup-ai-diffusion-plan")
    assert (plan["agency_id"], plan["status"], plan["date"], plan["title_ko"]) == (
        "mss",
        "published",
        "2025-02",
        "AI 스타트업 육성을 통한 AI 활용·확산 방안",
    )
    guide = await get_json(api, "/initiatives/pipc-generative-ai-guide")
    assert (guide["agency_id"], guide["status"], guide["kind"]) == ("pipc", "planned", "guideline")
    assert [(h["type"], h["status"]) for h in guide["history"]] == [
        ("initiative.announced", "planned")
    ]


async def assert_the_meetings_answer_as_amended(api) -> None:
    review = await get_json(api, "/meetings/mss-workforce-policy-review")
    assert (review["organiser"], review["date"], review["precision"], review["state"]) == (
        "mss",
        "2025-03-11",
        "day",
        "corrected",
    )
    # The seed's two errata of its English summary, then the test's own correction.
    assert [c["reason"] for c in review["corrections"]][2:] == ["another report gives the day"]
    assert [s["statement_id"] for s in review["statements"]] == [
        "mss-review-policies-presented",
        "mss-review-yoo-young-joon-proposal",
        "mss-review-seo-ji-ho-proposal",
    ]
    assert {s["date"] for s in review["statements"]} == {"2025-03-11"}
    roundtable = await get_json(api, "/meetings/pipc-ai-startup-roundtable")
    assert [(s["statement_id"], s["state"]) for s in roundtable["statements"]] == STATEMENTS[5:]


async def assert_the_statements_answer_as_amended(api) -> None:
    body = await get_json(api, "/statements")
    assert [(s["statement_id"], s["state"]) for s in body["statements"]] == STATEMENTS
    [proposals] = [s for s in body["statements"] if s["state"] == "retracted"]
    assert proposals["retraction"]["reason"] == "the article does not say which companies"


async def assert_the_people_and_organizations_answer_as_amended(api) -> None:
    ko = await get_json(api, "/people/ko-hak-soo")
    assert (ko["name_ko"], ko["name_en"], ko["state"]) == ("고학수", "Ko Hak-soo", "active")
    assert [(a["kind"], a["id"], a["title_ko"]) for a in ko["affiliations"]] == [
        ("agency", "pipc", "위원장")
    ]
    assert [s["statement_id"] for s in ko["statements"]] == ["pipc-ko-hak-soo-open-source-remarks"]
    oh = await get_json(api, "/people/oh-young-ju")
    assert [s["statement_id"] for s in oh["statements"]] == ["mss-review-oh-young-ju-remarks"]
    moreh = await get_json(api, "/organizations/moreh")
    assert (moreh["name_ko"], moreh["kind"], moreh["state"]) == ("모레", "company", "active")
    assert [s["statement_id"] for s in moreh["statements"]] == [
        "pipc-roundtable-moreh-presentation"
    ]


async def assert_the_source_answers_as_amended(api) -> None:
    source = await get_json(api, f"/sources/{SOURCE_ID}")
    assert (source["language"], source["kind"], source["sha256"]) == (
        "ko",
        "news_article",
        "e986a88a7ba95d739b3b0718256a26855db219e4e003de6a17b4adfde34e02ea",
    )
    facts = source["facts"]
    # One per quote of each fact: the seed's 31 as first published, its first errata's 18 (3 of
    # two new facts, 15 of 13 corrections), its second errata's 12 (of 10 corrections), and the
    # test's correction and retraction.
    assert len(facts) == 63
    not_active = [(f["stream_id"], f["state"]) for f in facts if f["state"] != "active"]
    assert not_active == [
        ("initiative-mss-ai-startup-ai-diffusion-plan", "corrected"),
        *[("meeting-mss-workforce-policy-review", "corrected")] * 3,
        ("statement-mss-review-policies-presented", "corrected"),
        ("statement-mss-review-yoo-young-joon-proposal", "corrected"),
        *[("statement-mss-review-seo-ji-ho-proposal", "corrected")] * 2,
        ("statement-mss-review-oh-young-ju-remarks", "corrected"),
        *[("meeting-pipc-ai-startup-roundtable", "corrected")] * 4,
        ("statement-pipc-roundtable-scatter-lab-presentation", "corrected"),
        ("statement-pipc-roundtable-moreh-presentation", "corrected"),
        ("statement-pipc-roundtable-elice-group-presentation", "corrected"),
        ("statement-pipc-roundtable-companies-proposals", "retracted"),
        ("statement-pipc-ko-hak-soo-open-source-remarks", "corrected"),
        *[("initiative-kr-government-open-source-ai-model-support", "corrected")] * 2,
    ]
    amendments = [f for f in facts if f["type"].startswith("fact.")]
    assert len(amendments) == 15 + 12 + 2
    assert [(f["stream_id"], f["type"], f["quote"]) for f in amendments[-2:]] == [
        ("meeting-mss-workforce-policy-review", "fact.corrected", MEETING_DAY_QUOTE),
        ("statement-pipc-roundtable-companies-proposals", "fact.retracted", PROPOSALS_QUOTE),
    ]


async def assert_every_read_model_answers_as_amended(api) -> None:
    await assert_the_agencies_answer_as_amended(api)
    await assert_the_timelines_answer_as_amended(api)
    await assert_the_initiatives_answer_as_amended(api)
    await assert_the_meetings_answer_as_amended(api)
    await assert_the_statements_answer_as_amended(api)
    await assert_the_people_and_organizations_answer_as_amended(api)
    await assert_the_source_answers_as_amended(api)


async def empty_every_live_table(pool) -> None:
    """Lose every read model's rows: only a rebuild from the log can bring them back."""
    async with pool.acquire() as connection, connection.transaction():
        for projection in PROJECTIONS:
            for table in projection.tables:
                await connection.execute(f'DELETE FROM "{table}"')


async def assert_every_read_model_is_empty(api) -> None:
    assert (await get_json(api, "/agencies"))["agencies"] == []
    for path in (
        "/agencies/mss",
        "/initiatives/pipc-generative-ai-guide",
        "/meetings/pipc-ai-startup-roundtable",
        "/people/ko-hak-soo",
        "/organizations/moreh",
        f"/sources/{SOURCE_ID}",
    ):
        assert (await api.get(path)).status_code == 404, path
    assert (await get_json(api, "/statements"))["statements"] == []


# --- Rebuilds ------------------------------------------------------------------------------


async def test_the_live_read_models_give_the_fixed_answers_for_the_amended_seed(api, seeded_log):
    await amend_the_seed(seeded_log)
    await assert_every_read_model_answers_as_amended(api)


async def replays_over_http(api, names: list[str], started: list[str] | None = None) -> dict[str, dict]:
    """Start a replay of each projection in ``started`` (default: ``names``), then follow
    GET /projections until every one of ``names`` is done."""
    for name in started if started is not None else names:
        response = await api.post(f"/projections/{name}/replay")
        assert response.status_code == 202, response.text
        assert response.json()["name"] == name
    deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
    while True:
        listed = (await get_json(api, "/projections"))["projections"]
        replays = {p["name"]: p["replay"] for p in listed if p["name"] in names}
        states = {name: (replay or {}).get("state") for name, replay in replays.items()}
        if all(state not in (None, "building") for state in states.values()):
            return replays
        assert time.monotonic() < deadline, f"replays still running: {states}"
        await asyncio.sleep(0.05)


async def test_replaying_the_facts_over_http_rebuilds_every_emptied_table_from_the_log(
    api, seeded_log, pool
):
    await amend_the_seed(seeded_log)
    await empty_every_live_table(pool)
    await assert_every_read_model_is_empty(api)

    # The other projections are derived from the facts: replaying it replays them all.
    names = [projection.name for projection in PROJECTIONS]
    replays = await replays_over_http(api, names, started=["facts"])

    assert {name: replay["state"] for name, replay in replays.items()} == dict.fromkeys(
        names, "completed"
    )
    await assert_every_read_model_answers_as_amended(api)


async def test_replaying_the_timeline_alone_brings_back_every_one_of_its_tables(
    api, seeded_log, pool
):
    await amend_the_seed(seeded_log)
    timeline = next(p for p in PROJECTIONS if p.name == "timeline")
    async with pool.acquire() as connection:
        for table in timeline.tables:
            await connection.execute(f'DELETE FROM "{table}"')
    assert (await get_json(api, "/agencies/mss/timeline"))["entries"] == []

    replays = await replays_over_http(api, ["timeline"])

    assert replays["timeline"]["state"] == "completed"
    await assert_the_timelines_answer_as_amended(api)
    await assert_the_agencies_answer_as_amended(api)  # counts come from the timeline


async def test_the_replay_command_rebuilds_every_projection_from_the_log(
    api, seeded_log, pool, database_url, monkeypatch
):
    await amend_the_seed(seeded_log)
    await empty_every_live_table(pool)
    await assert_every_read_model_is_empty(api)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert await asyncio.to_thread(main, ["replay"]) == 0

    await assert_every_read_model_answers_as_amended(api)


# --- Retractions in the agencies and people read models -----------------------------------


async def test_a_retracted_agency_stays_listed_marked_retracted_with_the_reason(api, seeded_log):
    retraction = await seeded_log.retract(
        "agency-pipc", "a test of retracting an agency", "개인정보보호위원회(이하 개인정보위)"
    )
    pipc = await get_json(api, "/agencies/pipc")
    assert (pipc["agency_id"], pipc["name_ko"], pipc["state"]) == (
        "pipc",
        "개인정보보호위원회",
        "retracted",
    )
    assert pipc["retraction"]["event_id"] == str(retraction)
    assert pipc["retraction"]["reason"] == "a test of retracting an agency"
    listed = {a["agency_id"]: a["state"] for a in (await get_json(api, "/agencies"))["agencies"]}
    assert listed == {"kr-government": "active", "mss": "active", "pipc": "retracted"}


async def test_a_retracted_person_stays_there_marked_retracted_with_the_reason(api, seeded_log):
    retraction = await seeded_log.retract(
        "person-seo-ji-ho", "a test of retracting a person", "서지호 클레온 최고운영책임자"
    )
    seo = await get_json(api, "/people/seo-ji-ho")
    assert (seo["person_id"], seo["name_ko"], seo["state"]) == ("seo-ji-ho", "서지호", "retracted")
    assert seo["retraction"]["event_id"] == str(retraction)
    assert seo["retraction"]["reason"] == "a test of retracting a person"
    # The person's statement is a fact of its own: it is not retracted with them.
    assert [(s["statement_id"], s["state"]) for s in seo["statements"]] == [
        ("mss-review-seo-ji-ho-proposal", "corrected")
    ]
    other = await get_json(api, "/people/ko-hak-soo")
    assert other["state"] == "active"


# --- Timeline order: earliest day, then year < month < day, then position ------------------


MSS_PLANS_QUOTE = "중기부는 향후 국내 AI 스타트업 생태계의 경쟁력 강화를 위한 구체적인 방안을 마련한다는 계획이다"
PIPC_PLANS_QUOTE = "개인정보위는 간담회 논의 결과를 바탕으로"


async def hold_meeting(seeded_log, agency_id: str, meeting_id: str, date: str) -> None:
    """Record a briefing of the agency's on the date (the article is the only source there is)."""
    quote = MSS_PLANS_QUOTE if agency_id == "mss" else PIPC_PLANS_QUOTE
    await seeded_log.append(
        f"meeting-{meeting_id}",
        "meeting.held",
        {
            "meeting_id": meeting_id,
            "organiser": agency_id,
            "title_ko": f"{meeting_id} 회의",
            "kind": "briefing",
            "occurred": {"date": date},
            "evidence": [{"source_id": SOURCE_ID, "quote": quote}],
        },
    )


async def subjects_page_by_page(api, agency_id: str, limit: int) -> list[str]:
    subjects, params = [], {"limit": limit}
    for _ in range(1000):  # a cursor that repeats itself fails instead of looping for ever
        body = await get_json(api, f"/agencies/{agency_id}/timeline", **params)
        subjects += [e["subject"]["id"] for e in body["entries"]]
        if body["next_cursor"] is None:
            return subjects
        params = {"limit": limit, "cursor": body["next_cursor"]}
    raise AssertionError("no last page within 1000 pages")


async def test_a_month_entry_sorts_before_a_day_entry_on_the_first_day_of_that_month(
    api, seeded_log
):
    # The day is recorded first, so position alone would put it first.
    await hold_meeting(seeded_log, "mss", "mss-briefing-on-april-first", "2025-04-01")
    await hold_meeting(seeded_log, "mss", "mss-briefing-in-april", "2025-04")

    expected = [
        ("initiative.announced", "mss-ai-startup-ai-diffusion-plan", "2025-02", "month"),
        ("meeting.held", "mss-workforce-policy-review", "2025-03", "month"),
        ("statement.made", "mss-review-policies-presented", "2025-03", "month"),
        ("statement.made", "mss-review-yoo-young-joon-proposal", "2025-03", "month"),
        ("statement.made", "mss-review-seo-ji-ho-proposal", "2025-03", "month"),
        ("statement.made", "mss-review-oh-young-ju-remarks", "2025-03", "month"),
        # Built on the review meeting (March): after every entry that starts on March 1.
        ("initiative.announced", "mss-ai-startup-competitiveness-measures", "2025-03", "month"),
        ("meeting.held", "mss-briefing-in-april", "2025-04", "month"),
        ("meeting.held", "mss-briefing-on-april-first", "2025-04-01", "day"),
    ]
    body = await get_json(api, "/agencies/mss/timeline")
    assert [
        (e["type"], e["subject"]["id"], e["date"], e["precision"]) for e in body["entries"]
    ] == expected
    assert await subjects_page_by_page(api, "mss", limit=2) == [row[1] for row in expected]
    # The latest activity is the last entry in the same order: the day.
    latest = (await get_json(api, "/agencies/mss"))["latest_activity"]
    assert (latest["date"], latest["precision"], latest["title_ko"]) == (
        "2025-04-01",
        "day",
        "mss-briefing-on-april-first 회의",
    )


async def test_a_year_sorts_before_a_month_before_a_day_when_all_start_on_the_same_day(
    api, seeded_log
):
    # Recorded day, month, year: position alone would give the reverse of the expected order.
    await hold_meeting(seeded_log, "pipc", "pipc-new-years-day-briefing", "2025-01-01")
    await hold_meeting(seeded_log, "pipc", "pipc-january-briefing", "2025-01")
    await hold_meeting(seeded_log, "pipc", "pipc-briefing-of-the-year", "2025")

    expected = [
        ("pipc-briefing-of-the-year", "2025", "year"),
        ("pipc-january-briefing", "2025-01", "month"),
        ("pipc-new-years-day-briefing", "2025-01-01", "day"),
        ("pipc-ko-hak-soo-open-source-remarks", "2025-03", "month"),
        ("pipc-ai-startup-roundtable", "2025-03-24", "day"),
        ("pipc-roundtable-scatter-lab-presentation", "2025-03-24", "day"),
        ("pipc-roundtable-moreh-presentation", "2025-03-24", "day"),
        ("pipc-roundtable-elice-group-presentation", "2025-03-24", "day"),
        ("pipc-roundtable-companies-proposals", "2025-03-24", "day"),
        ("pipc-generative-ai-guide", "2025-03", "month"),  # built on the roundtable
    ]
    body = await get_json(api, "/agencies/pipc/timeline")
    assert [(e["subject"]["id"], e["date"], e["precision"]) for e in body["entries"]] == expected
    assert await subjects_page_by_page(api, "pipc", limit=1) == [row[0] for row in expected]
