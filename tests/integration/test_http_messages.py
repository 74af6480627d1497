"""What a client reads when an id, a date or a time is not of its form: the rule in words, with
an example and where it was, never a regular expression; and nothing is stored."""

from __future__ import annotations

import pytest

from events.patterns import rule
from tests.factories import SOURCE_ID, agency, append, given_registered, initiative, source
from tests.unit.test_events_patterns import patterns_in

PROBLEM = "application/problem+json"
ID_RULE = (
    "an id of lower-case letters, digits and hyphens, starting with a letter or digit, "
    "at most 63 characters, e.g. `pipc`"
)
DATE_RULE = "a date like 2025-03-24, 2025-03 or 2025"


async def stored(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM events")


def with_date(event: dict, date: str) -> dict:
    return {**event, "data": {**event["data"], "occurred": {"date": date}}}


def with_data(event: dict, **fields) -> dict:
    return {**event, "data": {**event["data"], **fields}}


BAD_FACTS = {
    "agency id": (
        "agency-Ministry_SMEs", with_data(agency(), agency_id="Ministry_SMEs"),
        f"events[0]: Expected {ID_RULE} - at `$.agency_id`",
    ),
    "date": (
        "initiative-test-plan", with_date(initiative(), "16.04.2025"),
        f"events[0]: Expected {DATE_RULE} - at `$.occurred.date`",
    ),
    "language": (
        "source-other-source", with_data(source("other-source"), language="Korean"),
        "events[0]: Expected a language tag like `ko`, `en` or `zh-Hant`: two or three "
        "lower-case letters, then any subtags of letters and digits after hyphens - at "
        "`$.language`",
    ),
}


@pytest.mark.parametrize(("stream", "event", "detail"), BAD_FACTS.values(), ids=BAD_FACTS.keys())
async def test_a_fact_off_a_pattern_is_a_422_that_says_the_rule(client, pool, stream, event, detail):
    await given_registered(client)
    before = await stored(pool)
    response = await append(client, stream, event)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert (problem["type"], problem["detail"]) == ("/problems/invalid-event", detail)
    assert await stored(pool) == before


BAD_READS = {
    "stream id": (
        "/streams/agency%20mss", 400, "/problems/bad-request",
        "Validation failed for GET /streams/agency mss: Expected a stream id of letters, digits, "
        "`.`, `_`, `:` and `-`, starting with a letter or digit, at most 200 characters, "
        "e.g. `agency-mss`",
    ),
    "event type": (
        "/events?type=Agency", 400, "/problems/bad-request",
        "Validation failed for GET /events?type=Agency: Expected an event type of lower-case "
        "words joined by dots, e.g. `agency.registered`",
    ),
    "feed cursor": (
        "/events?cursor=yesterday", 400, "/problems/invalid-cursor",
        "not a page cursor: 'yesterday'; use a `next_cursor` value that the API returned",
    ),
    "min_position": (
        "/agencies?min_position=0", 400, "/problems/bad-request",
        "Validation failed for GET /agencies?min_position=0: Expected `int` >= 1",
    ),
    "agency filter": (
        "/statements?agency=Ministry_SMEs", 400, "/problems/invalid-agency",
        f"agency must be {ID_RULE}, not 'Ministry_SMEs'",
    ),
    "speaker filter": (
        "/statements?speaker=Oh%20Young-ju", 400, "/problems/invalid-speaker",
        f"speaker must be {ID_RULE}, not 'Oh Young-ju'",
    ),
    "agency path with capitals": (
        "/agencies/MSS/timeline", 404, "/problems/agency-not-found",
        f"no agency 'MSS': 'MSS' is not {ID_RULE}",
    ),
    "person path with a space": (
        "/people/oh%20young-ju", 404, "/problems/person-not-found",
        f"no person 'oh young-ju': 'oh young-ju' is not {ID_RULE}",
    ),
    "an id of the right form is only not found": (
        "/initiatives/no-such-plan", 404, "/problems/initiative-not-found",
        "no initiative 'no-such-plan'",
    ),
    "from": (
        "/agencies/test-ministry/timeline?from=16.04.2025", 400, "/problems/invalid-date",
        f"from: invalid date '16.04.2025': expected {DATE_RULE}",
    ),
    "impossible to": (
        "/agencies/test-ministry/timeline?to=2025-02-30", 400, "/problems/invalid-date",
        "to: invalid date '2025-02-30' (day is out of range for month)",
    ),
    "as_of": (
        "/agencies/test-ministry/timeline?as_of=yesterday", 400, "/problems/invalid-as-of",
        "as_of must be an ISO 8601 time like 2025-03-24T09:30:00+09:00 or 2025-03-24 (UTC "
        "where no offset is given), not 'yesterday'",
    ),
}


@pytest.mark.parametrize(
    ("path", "status", "type_", "detail"), BAD_READS.values(), ids=BAD_READS.keys()
)
async def test_a_read_with_an_id_date_or_time_off_its_form_says_the_rule(
    client, path, status, type_, detail
):
    await given_registered(client)
    response = await client.get(path)
    assert response.status_code == status, response.text
    problem = response.json()
    assert (problem["type"], problem["detail"]) == (type_, detail)
    assert "regex" not in response.text


async def test_a_body_off_a_pattern_is_a_422_that_says_the_rule(client):
    await given_registered(client)
    response = await client.post(f"/sources/{SOURCE_ID}/locate", json={"quote": "  "})
    assert response.status_code == 422
    problem = response.json()
    assert problem["detail"] == "Expected text that is not only white space - at `$.quote`"
    assert problem["errors"] == [{"message": "Expected text that is not only white space", "key": "quote"}]


async def test_every_pattern_the_api_documents_has_its_rule_in_words(client):
    found = patterns_in((await client.get("/schema/openapi.json")).json())
    assert len(found) >= 5
    assert [regex for regex in sorted(found) if not rule(regex)] == []
