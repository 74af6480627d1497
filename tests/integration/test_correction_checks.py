"""A correction is checked as the fact it leaves, and nothing amends or continues a retracted
fact: the attacks of issue 17 (finding 1) over HTTP, each a 422 that stores nothing."""

from __future__ import annotations

import pytest

from tests.factories import (
    agency,
    append,
    evidence,
    given_registered,
    initiative,
    new_id,
    source,
    status_changed,
)

REL_TEXT = (
    "관계부는 25일 국내 인공지능 스타트업의 성장을 돕기 위해 올해 하반기부터 연구개발 자금과 "
    "전문 인력 양성, 해외 진출 상담을 한데 묶은 종합 지원 사업을 시행하고, 그 성과를 해마다 "
    "점검해 다음 해 예산에 반영하겠다고 밝혔다. 관계부 차관은 \"현장의 목소리를 듣겠다\"고 말했다."
)
LONG_QUOTE = REL_TEXT[: REL_TEXT.index("밝혔다.") + 4]
"""A sentence of the source over 100 characters long."""
LONG_NEAR_COPY = LONG_QUOTE.replace("해마다", "격년으로")
"""The same sentence, one word changed: not in the source."""

assert len(LONG_QUOTE) > 100 and len(LONG_NEAR_COPY) > 100 and LONG_NEAR_COPY not in REL_TEXT


async def count_events(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM events")


async def given_plan(client) -> dict:
    """The test source and agency, a second source ``rel-src``, and an initiative."""
    await given_registered(client)
    assert (await append(client, "source-rel-src", source("rel-src", REL_TEXT))).status_code == 201
    announced = initiative()
    assert (await append(client, "initiative-test-plan", announced)).status_code == 201
    return announced


def correction(target: dict, changes: dict, quote_evidence: list | None = None) -> dict:
    return {
        "id": new_id(),
        "type": "fact.corrected",
        "data": {
            "target": target["id"], "changes": changes, "reason": "a later report",
            "evidence": quote_evidence or evidence(),
        },
    }


def retraction(target: dict) -> dict:
    return {
        "id": new_id(),
        "type": "fact.retracted",
        "data": {"target": target["id"], "reason": "never announced", "evidence": evidence()},
    }


async def assert_refused(client, pool, stream_id: str, event: dict, slug: str) -> dict:
    before = await count_events(pool)
    response = await append(client, stream_id, event)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == f"/problems/{slug}", problem
    assert await count_events(pool) == before
    return problem


# The changes of each, exactly as the finding gives them.
ATTACKS_ON_AN_INITIATIVE = {
    "a quote that is not in its source": (
        {"evidence": [{"source_id": "rel-src", "quote": "출처에 없는 인용 (NOT IN SOURCE)"}]},
        "quote-not-in-source",
        "출처에 없는 인용 (NOT IN SOURCE)",
    ),
    "an unknown source": (
        {"evidence": [{"source_id": "no-such-source", "quote": "anything"}]},
        "unknown-reference",
        "no-such-source",
    ),
    "an unknown agency": ({"agency": "no-such-agency"}, "unknown-reference", "no-such-agency"),
}


@pytest.mark.parametrize(
    ("changes", "slug", "named"), ATTACKS_ON_AN_INITIATIVE.values(), ids=ATTACKS_ON_AN_INITIATIVE
)
async def test_a_correction_may_not_put_into_a_fact_what_a_new_fact_may_not_hold(
    client, pool, changes, slug, named
):
    announced = await given_plan(client)
    problem = await assert_refused(
        client, pool, "initiative-test-plan", correction(announced, changes), slug
    )
    assert named in problem["detail"] and "already corrected" in problem["detail"]
    stored = (await client.get(f"/events/{announced['id']}")).json()["data"]
    assert stored["agency"] == "test-ministry"


async def test_a_correction_may_not_make_an_unregistered_person_the_speaker(client, pool):
    await given_registered(client)
    made = {
        "id": new_id(),
        "type": "statement.made",
        "data": {
            "statement_id": "test-remark", "speaker": {"kind": "agency", "id": "test-ministry"},
            "kind": "remark", "text": "계획을 꼭 지키겠다", "occurred": {"date": "2025-03-04"},
            "evidence": evidence(),
        },
    }
    assert (await append(client, "statement-test-remark", made)).status_code == 201
    problem = await assert_refused(
        client, pool, "statement-test-remark",
        correction(made, {"speaker": {"kind": "person", "id": "nobody-registered"}}),
        "unknown-reference",
    )
    assert problem["missing"] == {"kind": "person", "id": "nobody-registered"}


async def test_a_retracted_initiative_takes_no_status_change(client, pool):
    announced = await given_plan(client)
    retracted = retraction(announced)
    assert (await append(client, "initiative-test-plan", retracted)).status_code == 201
    problem = await assert_refused(
        client, pool, "initiative-test-plan", status_changed(), "target-retracted"
    )
    assert problem["target"] == announced["id"]
    assert problem["retracted_by"] == retracted["id"]
    assert "test-plan" in problem["detail"] and retracted["id"] in problem["detail"]


async def test_a_retracted_fact_takes_no_correction_and_no_second_retraction(client, pool):
    announced = await given_plan(client)
    retracted = retraction(announced)
    assert (await append(client, "initiative-test-plan", retracted)).status_code == 201
    for amendment in (correction(announced, {"title_ko": "새 제목"}), retraction(announced)):
        problem = await assert_refused(
            client, pool, "initiative-test-plan", amendment, "target-retracted"
        )
        assert problem["target"] == announced["id"]
        assert problem["retracted_by"] == retracted["id"]


async def test_a_status_change_needs_its_initiative(client, pool):
    await given_registered(client)
    problem = await assert_refused(
        client, pool, "initiative-test-plan", status_changed(), "unknown-reference"
    )
    assert problem["missing"] == {"kind": "initiative", "id": "test-plan"}


async def test_a_correction_of_a_status_change_of_a_retracted_initiative_is_refused(client, pool):
    """Corrected, the status change would be a status change of a retracted initiative, which
    a new fact may not be."""
    announced = await given_plan(client)
    moved_on = status_changed()
    assert (await append(client, "initiative-test-plan", moved_on)).status_code == 201
    assert (await append(client, "initiative-test-plan", retraction(announced))).status_code == 201
    await assert_refused(
        client, pool, "initiative-test-plan", correction(moved_on, {"status": "published"}),
        "target-retracted",
    )


OWN_EVIDENCE = {
    "a quote that is not in its source": (
        [{"source_id": "rel-src", "quote": "출처에 없는 인용 (NOT IN SOURCE)"}], "quote-not-in-source"
    ),
    "a long quote that is not in its source": (
        [{"source_id": "rel-src", "quote": LONG_NEAR_COPY}], "quote-not-in-source"
    ),
    "an unknown source": ([{"source_id": "no-such-source", "quote": "anything"}], "unknown-reference"),
}


@pytest.mark.parametrize(("own_evidence", "slug"), OWN_EVIDENCE.values(), ids=OWN_EVIDENCE)
async def test_a_correction_s_own_evidence_must_be_in_its_source(client, pool, own_evidence, slug):
    announced = await given_plan(client)
    problem = await assert_refused(
        client, pool, "initiative-test-plan",
        correction(announced, {"title_ko": "새 제목"}, own_evidence), slug,
    )
    assert "already corrected" not in problem["detail"]  # the correction itself, not its fact
    accepted = correction(announced, {"title_ko": "새 제목"}, [{"source_id": "rel-src", "quote": LONG_QUOTE}])
    assert (await append(client, "initiative-test-plan", accepted)).status_code == 201


async def test_a_quote_over_a_hundred_characters_is_checked_like_any_other(client, pool):
    announced = await given_plan(client)
    long_absent = [{"source_id": "rel-src", "quote": LONG_NEAR_COPY}]
    long_present = [{"source_id": "rel-src", "quote": LONG_QUOTE}]
    fresh = initiative("test-plan-2", evidence=long_absent)
    problem = await assert_refused(client, pool, "initiative-test-plan-2", fresh, "quote-not-in-source")
    assert problem["quote"] == LONG_NEAR_COPY
    await assert_refused(
        client, pool, "initiative-test-plan", correction(announced, {"evidence": long_absent}),
        "quote-not-in-source",
    )
    assert (await append(client, "initiative-test-plan-2", initiative("test-plan-2", evidence=long_present))).status_code == 201
    assert (await append(client, "initiative-test-plan", correction(announced, {"evidence": long_present}))).status_code == 201


async def test_a_correction_in_the_batch_of_its_target_is_checked_on_the_fact_before_it(client, pool):
    await given_registered(client)
    fresh = initiative("test-plan-3")
    ok = await append(client, "initiative-test-plan-3", fresh, correction(fresh, {"title_ko": "새 제목"}))
    assert ok.status_code == 201, ok.text
    other = initiative("test-plan-4")
    bad = await append(client, "initiative-test-plan-4", other, correction(other, {"agency": "no-such-agency"}))
    assert bad.status_code == 422 and bad.json()["missing"] == {"kind": "agency", "id": "no-such-agency"}
    assert await pool.fetchval("SELECT count(*) FROM events WHERE stream_id = 'initiative-test-plan-4'") == 0


async def test_a_retried_retraction_is_answered_as_a_retry(client, pool):
    announced = await given_plan(client)
    retracted = retraction(announced)
    assert (await append(client, "initiative-test-plan", retracted)).status_code == 201
    again = await append(client, "initiative-test-plan", retracted)
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True


async def test_a_registration_corrected_to_an_unknown_parent_is_refused(client, pool):
    await given_registered(client)
    child = agency("child-office")
    assert (await append(client, "agency-child-office", child)).status_code == 201
    problem = await assert_refused(
        client, pool, "agency-child-office", correction(child, {"parent": "no-such-agency"}),
        "unknown-reference",
    )
    assert problem["missing"] == {"kind": "agency", "id": "no-such-agency"}
    parent = correction(child, {"parent": "test-ministry"})
    assert (await append(client, "agency-child-office", parent)).status_code == 201
