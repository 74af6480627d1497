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


async def test_there_is_no_way_to_skip_the_checks_over_http(client, pool):
    """``"import": true`` once let any caller skip the reference and evidence checks."""
    await given_registered(client)
    forward = changed(initiative(), ["agency"], "registered-later")
    response = await client.post(
        "/streams/initiative-test-plan/events", json={"events": [forward], "import": True}
    )
    assert response.status_code in (400, 422)
    assert await count_events(pool) == 2


def statement(**data) -> dict:
    return {
        "id": new_id(),
        "type": "statement.made",
        "data": {
            "statement_id": "test-remark",
            "speaker": {"kind": "agency", "id": "test-ministry"},
            "kind": "remark",
            "text": "계획을 꼭 지키겠다",
            "occurred": {"date": "2025-03-04"},
            "evidence": evidence(),
            **data,
        },
    }


UNKNOWN_REFERENCES = {
    "unknown person speaking": (statement(speaker={"kind": "person", "id": "nobody"}), "person"),
    "unknown organization speaking": (
        statement(speaker={"kind": "organization", "id": "no-such-company"}), "organization"
    ),
    "unknown member of a group": (
        statement(speaker={
            "kind": "group", "description_ko": "기업들",
            "members": [{"kind": "organization", "id": "no-such-company"}],
        }),
        "organization",
    ),
    "unknown meeting": (statement(meeting="no-such-meeting"), "meeting"),
    "unknown related initiative": (statement(related_initiatives=["no-such-plan"]), "initiative"),
}


@pytest.mark.parametrize(("event", "kind"), UNKNOWN_REFERENCES.values(), ids=UNKNOWN_REFERENCES.keys())
async def test_every_kind_of_reference_must_be_registered(client, pool, event, kind):
    await given_registered(client)
    response = await append(client, "statement-test-remark", event)
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "/problems/unknown-reference"
    assert response.json()["missing"]["kind"] == kind
    assert await count_events(pool) == 2


LONG_QUOTES_NOT_IN_SOURCE = [
    "시험부는 3월 4일 'AI 시험 계획'을 발표하지 않았다고 밝혔다.",  # a long near-copy
    "이 계획은 향후 보완될 예정이 전혀 없다고 시험부가 분명히 말했다.",
    "Ministry officials announced an entirely different plan on the 4th.",
]


@pytest.mark.parametrize("quote", LONG_QUOTES_NOT_IN_SOURCE)
async def test_a_long_quote_must_be_in_the_source_too(client, pool, quote):
    assert len(quote) > 30
    await given_registered(client)
    response = await append(client, "initiative-test-plan", changed(initiative(), ["evidence"], evidence(quote)))
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/quote-not-in-source"
    assert await count_events(pool) == 2


async def test_a_quote_not_in_its_source_points_to_locate_which_says_what_differs(client, pool):
    await given_registered(client)
    typed = "시험부 장관은 “계획을 꼭 지키겠다”라고 말했다."  # curly quotation marks, the source's are straight
    response = await append(client, "initiative-test-plan", changed(initiative(), ["evidence"], evidence(typed)))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"events[0].evidence[0]: the quote is not in source 'test-source' exactly as given: {typed!r}. "
        'POST /sources/test-source/locate with {"quote": ...} finds the nearest passage and says what '
        "differs (curly or straight quotation marks, middle dots, spaces, words)"
    )
    assert await count_events(pool) == 2
    located = await client.post("/sources/test-source/locate", json={"quote": typed})
    assert [d["kind"] for d in located.json()["differences"]] == ["quotation-mark", "quotation-mark"]


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


def correction_of(target: dict, changes: dict) -> dict:
    return {
        "id": new_id(),
        "type": "fact.corrected",
        "data": {"target": target["id"], "changes": changes, "reason": "a later report", "evidence": evidence()},
    }


async def test_a_correction_is_checked_against_the_fact_as_already_corrected(client, pool):
    """Each correction alone leaves a valid statement; one on top of the other would make a
    verbatim text that is not in its quote, which once made the timeline answer 500."""
    await given_registered(client)
    made = statement(text="시험부는 3월 4일", verbatim=False)
    assert (await append(client, "statement-test-remark", made)).status_code == 201
    first = await append(client, "statement-test-remark", correction_of(made, {"verbatim": True}))
    assert first.status_code == 201, first.text
    second = await append(client, "statement-test-remark", correction_of(made, {"text": "전혀 다른 말"}))
    assert second.status_code == 422
    assert "already corrected" in second.json()["detail"]
    assert await count_events(pool) == 4

    both_at_once = await append(
        client, "statement-test-remark",
        correction_of(made, {"verbatim": False}), correction_of(made, {"text": "전혀 다른 말"}),
    )
    assert both_at_once.status_code == 201, both_at_once.text


async def test_a_retracted_fact_is_not_amended_again(client, pool):
    await given_registered(client)
    announced = initiative()
    await append(client, "initiative-test-plan", announced)
    retraction = {
        "id": new_id(),
        "type": "fact.retracted",
        "data": {"target": announced["id"], "reason": "never announced", "evidence": evidence()},
    }
    assert (await append(client, "initiative-test-plan", retraction)).status_code == 201
    again = await append(client, "initiative-test-plan", correction_of(announced, {"title_ko": "새 제목"}))
    assert again.status_code == 422
    assert again.json()["type"] == "/problems/target-retracted"
    assert await count_events(pool) == 4
