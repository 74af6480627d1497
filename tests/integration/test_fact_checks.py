"""Appending facts: the vocabulary, the stream each fact belongs to, references and evidence."""

from __future__ import annotations

import copy

import pytest

from tests.factories import (
    QUOTE,
    SOURCE_ID,
    agency,
    append,
    evidence,
    given_registered,
    initiative,
    new_id,
    status_changed,
)


async def count_events(pool) -> int:
    # Counted in the table: the feed may hold back a just-committed event for a moment while
    # the app's projector has a batch open (the gap-safe bound), which is not what is tested.
    return await pool.fetchval("SELECT count(*) FROM events")


def changed(event: dict, path: list, value) -> dict:
    """A copy of ``event`` with ``data[path...]`` set to ``value`` (or removed for ``...``)."""
    event = copy.deepcopy(event)
    event["id"] = new_id()
    target = event["data"]
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return event


BAD_FACTS = {
    "unknown type": ({**initiative(), "type": "initiative.imagined"}, "unknown-event-type", "initiative.imagined"),
    "unknown field": (changed(initiative(), ["budget"], 100), "invalid-event", "budget"),
    "wrong type": (changed(initiative(), ["title_ko"], 7), "invalid-event", "$.title_ko"),
    "impossible date": (changed(initiative(), ["occurred", "date"], "2025-02-30"), "invalid-event", "2025-02-30"),
    "month 13": (changed(initiative(), ["occurred", "date"], "2025-13"), "invalid-event", "2025-13"),
    "date in words": (changed(initiative(), ["occurred", "date"], "March"), "invalid-event", "occurred"),
    "missing evidence": (changed(initiative(), ["evidence"], []), "invalid-event", "evidence"),
    "no evidence field": (changed(initiative(), ["evidence"], ...), "invalid-event", "evidence"),
    "quote not in source": (
        changed(initiative(), ["evidence"], evidence("시험부는 4월 4일 계획을 발표했다.")),
        "quote-not-in-source",
        "시험부는 4월 4일 계획을 발표했다.",
    ),
    "quote with changed spacing": (
        changed(initiative(), ["evidence"], evidence(QUOTE.replace(" ", "  ", 1))),
        "quote-not-in-source",
        "",
    ),
    "unknown source": (
        changed(initiative(), ["evidence"], evidence(QUOTE, "no-such-source")),
        "unknown-reference",
        "no-such-source",
    ),
    "unknown agency": (changed(initiative(), ["agency"], "ministry-of-magic"), "unknown-reference", "ministry-of-magic"),
    "nul in a quote": (changed(initiative(), ["evidence"], evidence("a\u0000")), "invalid-event", "NUL"),
}


@pytest.mark.parametrize(("event", "slug", "named"), BAD_FACTS.values(), ids=BAD_FACTS.keys())
async def test_a_bad_fact_is_a_422_that_says_what_is_wrong_and_appends_nothing(
    client, pool, event, slug, named
):
    await given_registered(client)
    response = await append(client, "initiative-test-plan", event)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == f"/problems/{slug}"
    assert named in problem["detail"]
    assert await count_events(pool) == 2


async def test_a_fact_in_the_wrong_stream_is_refused(client):
    await given_registered(client)
    response = await append(client, "initiative-other", initiative())
    assert response.status_code == 422
    assert response.json()["expected_stream_id"] == "initiative-test-plan"


async def test_an_entity_is_created_by_the_first_event_of_its_stream_only(client):
    await given_registered(client)
    response = await append(client, "initiative-test-plan", status_changed(), initiative())
    assert response.status_code == 422
    assert "first event" in response.json()["detail"]


async def test_a_reference_registered_earlier_in_the_same_batch_is_known(client):
    text = "새 기관이 생겼다."
    response = await append(
        client,
        "source-fresh",
        {
            "id": new_id(),
            "type": "source.registered",
            "data": {
                "source_id": "fresh",
                "title": "새 기사",
                "language": "ko",
                "text": text,
                "sha256": __import__("events").sha256_text(text),
            },
        },
    )
    assert response.status_code == 201


async def test_an_import_may_refer_to_what_comes_later_in_the_log(client):
    await given_registered(client)
    forward = changed(initiative(), ["agency"], "registered-later")
    refused = await append(client, "initiative-test-plan", forward)
    assert refused.status_code == 422
    imported = await append(client, "initiative-test-plan", forward, importing=True)
    assert imported.status_code == 201


async def test_a_correction_goes_into_its_targets_stream_and_must_leave_a_valid_fact(client, pool):
    await given_registered(client)
    announced = initiative()
    await append(client, "initiative-test-plan", announced)

    def correction(changes: dict) -> dict:
        return {
            "id": new_id(),
            "type": "fact.corrected",
            "data": {
                "target": announced["id"],
                "changes": changes,
                "reason": "the source gives the month only",
                "evidence": evidence(),
            },
        }

    elsewhere = await append(client, "agency-test-ministry", correction({"occurred": {"date": "2025-03"}}))
    assert elsewhere.status_code == 422
    assert elsewhere.json()["expected_stream_id"] == "initiative-test-plan"

    invalid = await append(client, "initiative-test-plan", correction({"occurred": {"date": "2025-02-30"}}))
    assert invalid.status_code == 422 and "2025-02-30" in invalid.json()["detail"]

    moving = await append(client, "initiative-test-plan", correction({"initiative_id": "another"}))
    assert moving.status_code == 422

    unknown_target = correction({"occurred": {"date": "2025-03"}})
    unknown_target["data"]["target"] = new_id()
    missing = await append(client, "initiative-test-plan", unknown_target)
    assert missing.status_code == 422 and missing.json()["missing"]["kind"] == "event"

    accepted = await append(client, "initiative-test-plan", correction({"occurred": {"date": "2025-03"}}))
    assert accepted.status_code == 201

    retraction = {
        "id": new_id(),
        "type": "fact.retracted",
        "data": {"target": announced["id"], "reason": "duplicate report", "evidence": evidence()},
    }
    assert (await append(client, "initiative-test-plan", retraction)).status_code == 201
    assert await count_events(pool) == 5


async def test_stored_facts_are_the_validated_fact_with_defaults_filled_in(client):
    await given_registered(client)
    announced = initiative()
    await append(client, "initiative-test-plan", announced)
    stored = (await client.get(f"/events/{announced['id']}")).json()["data"]
    assert stored["occurred"] == {"date": "2025-03-04", "approximate": False, "original": None}
    assert stored["evidence"] == [{"source_id": SOURCE_ID, "quote": QUOTE}]


async def test_registering_an_agency_needs_no_evidence(client):
    assert (await append(client, "agency-plain", agency("plain"))).status_code == 201
