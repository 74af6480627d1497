"""The read endpoints over HTTP, on the seeded article."""

from __future__ import annotations

import uuid

import pytest

from events.seed import ARTICLE_TEXT, SOURCE_ID
from tests.integration.read_models.conftest import get_json

PLAN = "지난달 'AI 스타트업 육성을 통한 AI 활용·확산 방안'을 마련한"


async def test_agencies_list_mss_and_pipc_with_counts_and_latest_activity(api):
    body = await get_json(api, "/agencies")
    agencies = {agency["agency_id"]: agency for agency in body["agencies"]}
    assert agencies["mss"]["counts"] == {
        "meetings_organised": 1,
        "initiatives": 2,
        "statements": 4,
        "statements_spoken": 1,
        "statements_at_its_meetings": 3,
        "timeline_entries": 7,
    }
    assert agencies["pipc"]["counts"] == {
        "meetings_organised": 1,
        "initiatives": 1,
        "statements": 5,
        "statements_spoken": 1,
        "statements_at_its_meetings": 4,
        "timeline_entries": 7,
    }
    # The guide, built on the roundtable of the 24th, is PIPC's last entry (docs/read-models.md).
    latest = agencies["pipc"]["latest_activity"]
    assert (latest["date"], latest["precision"], latest["type"]) == (
        "2025-03",
        "month",
        "initiative.announced",
    )


async def test_an_agency_profile_has_its_korean_and_english_names(api):
    response = await api.get("/agencies/mss")
    mss = response.json()
    assert (mss["name_ko"], mss["short_ko"], mss["name_en"], mss["short_en"]) == (
        "중소벤처기업부",
        "중기부",
        "Ministry of SMEs and Startups",
        "MSS",
    )
    assert "중소벤처기업부".encode() in response.content  # UTF-8 as is, not \u escapes
    [evidence] = mss["evidence"]
    assert evidence["quote"] == "중소벤처기업부(이하 중기부)"
    assert ARTICLE_TEXT[evidence["start"]:evidence["end"]] == evidence["quote"]


async def test_the_mss_timeline_starts_with_the_plan_of_last_month(api):
    body = await get_json(api, "/agencies/mss/timeline")
    first = body["entries"][0]
    assert (first["date"], first["precision"], first["earliest"], first["latest"]) == (
        "2025-02",
        "month",
        "2025-02-01",
        "2025-02-28",
    )
    assert first["original_words"] == "지난달"
    assert PLAN in first["evidence"][0]["quote"]
    assert first["source_ids"] == [SOURCE_ID]
    assert body["next_cursor"] is None


async def test_a_timeline_can_be_limited_to_a_period_and_types(api):
    body = await get_json(
        api,
        "/agencies/pipc/timeline",
        **{"from": "2025-03-24", "to": "2025-03", "type": "meeting.held"},
    )
    [roundtable] = body["entries"]
    assert (roundtable["title_ko"], roundtable["date"], roundtable["precision"]) == (
        "AI 스타트업 간담회",
        "2025-03-24",
        "day",
    )
    both = await api.get(
        "/agencies/pipc/timeline",
        params=[("type", "meeting.held"), ("type", "initiative.announced")],
    )
    # The guide follows the roundtable it builds on.
    assert [e["type"] for e in both.json()["entries"]] == ["meeting.held", "initiative.announced"]


async def test_timeline_pages_continue_from_the_cursor(api):
    everything = [e["event_id"] for e in (await get_json(api, "/agencies/mss/timeline"))["entries"]]
    seen, params = [], {"limit": 3}
    for _ in range(1000):  # a cursor that repeats itself fails instead of looping for ever
        body = await get_json(api, "/agencies/mss/timeline", **params)
        seen += [e["event_id"] for e in body["entries"]]
        if body["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": body["next_cursor"]}
    else:
        raise AssertionError("no last page within 1000 pages")
    assert seen == everything and len(seen) == 7


async def test_as_of_answers_as_the_timeline_was_known_before_a_correction(api, seeded_log, pool):
    seeded_at = await pool.fetchval("SELECT max(recorded_at) FROM events")
    await seeded_log.correct(
        "meeting-mss-workforce-policy-review",
        {"occurred": {"date": "2025-03-11"}},
        "another report gives the day",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    now = await get_json(api, "/agencies/mss/timeline", type="meeting.held")
    then = await get_json(
        api, "/agencies/mss/timeline", type="meeting.held", as_of=seeded_at.isoformat()
    )
    assert (now["entries"][0]["date"], now["entries"][0]["state"]) == ("2025-03-11", "corrected")
    assert then["entries"][0]["date"] == "2025-03"
    # Then, only the seed's two errata of the English summary had corrected the meeting.
    assert [list(c["changes"]) for c in then["entries"][0]["corrections"]] == [
        ["summary_en"], ["summary_en"]
    ]
    assert [list(c["changes"]) for c in now["entries"][0]["corrections"]] == [
        ["summary_en"], ["summary_en"], ["occurred"]
    ]


async def test_before_anything_was_recorded_the_agency_is_unknown(api):
    response = await api.get("/agencies/mss/timeline", params={"as_of": "2000-01-01T00:00:00Z"})
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/agency-not-found"


async def publish_the_pipc_guide_after_seeding(seeded_log, pool):
    """Record that PIPC's guide was published; return when the seed was recorded before it."""
    seeded_at = await pool.fetchval("SELECT max(recorded_at) FROM events")
    await seeded_log.append(
        "initiative-pipc-generative-ai-guide",
        "initiative.status_changed",
        {
            "initiative_id": "pipc-generative-ai-guide",
            "status": "published",
            "occurred": {"date": "2025-06"},
            "evidence": [{"source_id": SOURCE_ID, "quote": "생성형 AI 도입 및 활용 안내서"}],
        },
    )
    return seeded_at


async def test_an_initiative_as_of_before_its_status_changed(api, seeded_log, pool):
    seeded_at = await publish_the_pipc_guide_after_seeding(seeded_log, pool)
    now = await get_json(api, "/initiatives/pipc-generative-ai-guide")
    then = await get_json(api, "/initiatives/pipc-generative-ai-guide", as_of=seeded_at.isoformat())
    assert (now["status"], len(now["history"])) == ("published", 2)
    assert (then["status"], len(then["history"])) == ("planned", 1)
    assert now["title_ko"] == "생성형 AI 도입 및 활용 안내서"


async def test_an_agencys_initiatives_carry_their_current_status(api):
    body = await get_json(api, "/agencies/mss/initiatives")
    assert [(i["initiative_id"], i["status"], i["date"]) for i in body["initiatives"]] == [
        ("mss-ai-startup-ai-diffusion-plan", "published", "2025-02"),
        ("mss-ai-startup-competitiveness-measures", "planned", "2025-03"),
    ]
    assert body["initiatives"][1]["due"] == "향후"


async def test_a_meeting_comes_with_its_statements_in_order(api):
    roundtable = await get_json(api, "/meetings/pipc-ai-startup-roundtable")
    assert roundtable["organiser"] == "pipc" and roundtable["kind"] == "roundtable"
    assert [s["speaker"].get("id") for s in roundtable["statements"]] == [
        "scatter-lab",
        "moreh",
        "elice-group",
        None,
    ]
    review = await get_json(api, "/meetings/mss-workforce-policy-review")
    assert review["attendee_count"] == {"value": 20, "approximate": True, "original": "20여명"}


async def test_statements_filter_by_agency_speaker_meeting_and_kind(api):
    async def ids(**params):
        body = await get_json(api, "/statements", **params)
        return [s["statement_id"] for s in body["statements"]]

    assert len(await ids()) == 9
    assert len(await ids(agency="mss")) == 4
    assert await ids(speaker="oh-young-ju") == ["mss-review-oh-young-ju-remarks"]
    assert len(await ids(meeting="pipc-ai-startup-roundtable", kind="presentation")) == 3
    assert await ids(agency="pipc", kind="pledge") == ["pipc-ko-hak-soo-open-source-remarks"]
    first = await get_json(api, "/statements", limit=5)
    rest = await get_json(api, "/statements", cursor=first["next_cursor"])
    assert [s["statement_id"] for s in first["statements"] + rest["statements"]] == await ids()


async def test_a_verbatim_statement_comes_back_byte_for_byte(api, seeded_log):
    [remarks] = (await get_json(api, "/statements", speaker="ko-hak-soo"))["statements"]
    appended = seeded_log.data_of("statement-pipc-ko-hak-soo-open-source-remarks")
    assert remarks["verbatim"] is True
    assert remarks["text"].encode() == appended["text"].encode()


async def test_a_person_has_affiliations_and_statements(api):
    person = await get_json(api, "/people/ko-hak-soo")
    assert person["name_ko"] == "고학수"
    assert person["affiliations"] == [
        {"kind": "agency", "id": "pipc", "title_ko": "위원장", "title_en": "Chairperson"}
    ]
    assert [s["statement_id"] for s in person["statements"]] == [
        "pipc-ko-hak-soo-open-source-remarks"
    ]


async def test_an_organization_has_its_people_and_their_statements(api):
    wrtn = await get_json(api, "/organizations/wrtn-technologies")
    assert wrtn["name_ko"] == "뤼튼테크놀로지스"
    assert [(p["person_id"], p["title_ko"]) for p in wrtn["people"]] == [("yoo-young-joon", "이사")]
    assert [s["statement_id"] for s in wrtn["statements"]] == ["mss-review-yoo-young-joon-proposal"]
    moreh = await get_json(api, "/organizations/moreh")
    assert [s["kind"] for s in moreh["statements"]] == ["presentation"]


async def test_a_source_lists_the_facts_it_supports_with_exact_quotes(api):
    source = await get_json(api, f"/sources/{SOURCE_ID}")
    assert source["text"].encode() == ARTICLE_TEXT.encode()
    assert all(fact["quote"] in ARTICLE_TEXT for fact in source["facts"])
    plan = [
        f
        for f in source["facts"]
        if f["stream_id"] == "initiative-mss-ai-startup-ai-diffusion-plan"
    ]
    # The plan, and the seed's erratum of its Korean summary, which cites the plan's title.
    assert [(f["type"], f["state"]) for f in plan] == [
        ("initiative.announced", "corrected"), ("fact.corrected", "active")
    ]
    assert PLAN in plan[0]["quote"]
    uuid.UUID(plan[0]["event_id"])


@pytest.mark.parametrize(
    "path",
    [
        "/agencies/nope",
        "/agencies/nope/timeline",
        "/agencies/nope/initiatives",
        "/initiatives/nope",
        "/meetings/nope",
        "/people/nope",
        "/organizations/nope",
        "/sources/nope",
        "/agencies/MSS",
        "/people/" + "a" * 500,
    ],
)
async def test_unknown_ids_are_a_404_problem(api, path):
    response = await api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("-not-found")


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/agencies/mss/timeline", {"from": "2025-13"}, 400),
        ("/agencies/mss/timeline", {"from": "March"}, 400),
        ("/agencies/mss/timeline", {"to": "2025-02-30"}, 400),
        ("/agencies/mss/timeline", {"to": "0000"}, 400),
        ("/agencies/mss/timeline", {"from": "2025-04", "to": "2025-03"}, 400),
        ("/agencies/mss/timeline", {"as_of": "yesterday"}, 400),
        ("/agencies/mss/timeline", {"as_of": "2025-02-30T00:00:00Z"}, 400),
        ("/agencies/mss/timeline", {"limit": "0"}, 422),
        ("/agencies/mss/timeline", {"limit": "100000"}, 422),
        ("/agencies/mss/timeline", {"limit": "ten"}, 400),
        ("/agencies/mss/timeline", {"cursor": "not a cursor"}, 400),
        ("/agencies/mss/timeline", {"cursor": "MjAyNS0xMy0wMS4xLjE"}, 400),
        ("/agencies/mss/timeline", {"type": "agency.registered"}, 400),
        ("/agencies/mss/timeline", {"as_of": "0001-01-01T00:00:00+01:00"}, 400),
        ("/initiatives/pipc-generative-ai-guide", {"as_of": "2025-03-32"}, 400),
        ("/statements", {"kind": "shout"}, 400),
        ("/statements", {"limit": "-1"}, 422),
        ("/statements", {"cursor": "%%%"}, 400),
        ("/statements", {"speaker": "Oh Young-ju"}, 400),
        ("/statements", {"agency": "mss\x00"}, 400),
    ],
)
async def test_bad_query_parameters_are_a_4xx_problem(api, path, params, status):
    response = await api.get(path, params=params)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == status and problem["detail"]


async def test_an_agency_and_its_initiatives_as_of_before_a_status_change(api, seeded_log, pool):
    seeded_at = await publish_the_pipc_guide_after_seeding(seeded_log, pool)
    as_of = seeded_at.isoformat()
    now = await get_json(api, "/agencies/pipc")
    then = await get_json(api, "/agencies/pipc", as_of=as_of)
    assert now["counts"]["timeline_entries"] == then["counts"]["timeline_entries"] + 1
    assert now["latest_activity"]["date"] == "2025-06"
    assert then["latest_activity"]["date"] == "2025-03"  # the guide, after the roundtable

    listed_then = await get_json(api, "/agencies", as_of=as_of)
    assert {a["agency_id"] for a in listed_then["agencies"]} == {"kr-government", "mss", "pipc"}

    initiatives_now = await get_json(api, "/agencies/pipc/initiatives")
    initiatives_then = await get_json(api, "/agencies/pipc/initiatives", as_of=as_of)
    assert [i["status"] for i in initiatives_now["initiatives"]] == ["published"]
    assert [i["status"] for i in initiatives_then["initiatives"]] == ["planned"]

    before_anything = await api.get("/agencies/pipc", params={"as_of": "2000-01-01T00:00:00Z"})
    assert before_anything.status_code == 404


async def test_a_period_keeps_a_coarse_entry_that_overlaps_it(api, seeded_log):
    await seeded_log.correct(
        "initiative-pipc-generative-ai-guide",
        {"occurred": {"date": "2025"}},
        "only the year is certain",
        "생성형 AI 도입 및 활용 안내서",
    )
    december = await get_json(api, "/agencies/pipc/timeline", **{"from": "2025-12"})
    assert [(e["type"], e["date"]) for e in december["entries"]] == [("initiative.announced", "2025")]
    next_year = await get_json(api, "/agencies/pipc/timeline", **{"from": "2026"})
    assert next_year["entries"] == []
