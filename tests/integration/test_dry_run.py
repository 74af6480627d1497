"""``POST /streams/{id}/events?dry_run=true``: every check an append runs, the same answer or
the same problem document, and nothing stored."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import (
    agency,
    evidence,
    given_registered,
    initiative,
    source,
    status_changed,
)

NOT_THE_SAME = {"position", "request_id", "dry_run"}
"""A dry run's positions were free when it ran (a real append takes the next free ones), and
every answer has its own request id."""


def comparable(body: object) -> object:
    if isinstance(body, dict):
        return {k: comparable(v) for k, v in body.items() if k not in NOT_THE_SAME}
    if isinstance(body, list):
        return [comparable(item) for item in body]
    return body


async def log_head(pool) -> tuple[int, int]:
    return tuple(await pool.fetchrow("SELECT count(*), coalesce(max(position), 0) FROM events"))


async def post(client, stream_id: str, body: dict, *, dry_run: bool):
    params = {"dry_run": "true"} if dry_run else {}
    return await client.post(f"/streams/{stream_id}/events", json=body, params=params)


async def test_a_dry_run_answers_what_would_be_stored_and_stores_nothing(client, pool):
    await given_registered(client)
    before = await log_head(pool)
    body = {"expected_version": "no_stream", "events": [initiative()]}

    tried = await post(client, "initiative-test-plan", body, dry_run=True)

    assert tried.status_code == 201, tried.text
    answer = tried.json()
    assert answer["dry_run"] is True
    assert answer["stream_version"] == 1
    assert [event["event_id"] for event in answer["events"]] == [body["events"][0]["id"]]
    assert await log_head(pool) == before
    assert (await client.get("/streams/initiative-test-plan")).status_code == 404

    stored = await post(client, "initiative-test-plan", body, dry_run=False)
    assert stored.status_code == 201, stored.text
    assert stored.json()["dry_run"] is False
    assert comparable(stored.json()) == comparable(answer)


def candidate_batches():
    """Batches an editor might send to ``initiative-test-plan``, good and bad: each is
    (expected_version, events)."""
    good = st.builds(lambda: initiative(initiative_id="test-plan"))
    bad_quote = st.builds(lambda: initiative(evidence=evidence("출처에 없는 인용")))
    unknown_agency = st.builds(lambda: initiative(agency_id="no-such-agency"))
    unknown_source = st.builds(lambda: initiative(evidence=evidence(source_id="no-such-source")))
    unknown_type = st.builds(lambda: {**initiative(), "type": "initiative.invented"})
    nul = st.builds(lambda: initiative(title_ko="계획\u0000"))
    unknown_field = st.builds(lambda: {**initiative(), "data": {**initiative()["data"], "extra": 1}})
    change = st.builds(lambda: status_changed())
    other_stream_entity = st.builds(lambda: agency("another-ministry"))
    one = st.one_of(good, bad_quote, unknown_agency, unknown_source, unknown_type, nul,
                    unknown_field, change, other_stream_entity)
    expected = st.sampled_from(["any", "no_stream", "exists", 0, 1, 2])
    return st.tuples(expected, st.lists(one, min_size=1, max_size=3))


@pytest.fixture
async def registered(client):
    """The test source and agency, registered once for all of a test's examples."""
    await given_registered(client)
    return client


async def dry_run_then_append(client, pool, body: dict) -> None:
    before = await log_head(pool)
    tried = await post(client, "initiative-test-plan", body, dry_run=True)
    assert await log_head(pool) == before, "a dry run stored something"
    stored = await post(client, "initiative-test-plan", body, dry_run=False)

    assert tried.status_code == stored.status_code, (tried.text, stored.text)
    assert tried.headers["content-type"] == stored.headers["content-type"]
    assert comparable(tried.json()) == comparable(stored.json())
    if tried.status_code in (200, 201):
        assert tried.json()["dry_run"] is True and stored.json()["dry_run"] is False
    if tried.status_code != 201:
        assert await log_head(pool) == before, "a refused append or a retry stored something"


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=candidate_batches(), retried=st.booleans())
async def test_a_dry_run_answers_exactly_as_the_append_would(registered, pool, batch, retried):
    """Whatever the batch (a good fact, a bad one, a wrong expected version, and sent again:
    a retry of events stored, or a conflict), the dry run's status and body are the
    append's; it stores nothing."""
    expected, events = batch
    body = {"expected_version": expected, "events": events}
    await dry_run_then_append(registered, pool, body)
    if retried:
        await dry_run_then_append(registered, pool, body)


async def test_a_dry_run_needs_the_same_token_as_an_append(anonymous_client, pool):
    before = await log_head(pool)
    body = {"events": [source("another-source")]}
    response = await post(anonymous_client, "source-another-source", body, dry_run=True)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert await log_head(pool) == before


async def test_a_dry_run_of_a_retry_says_so(client, pool):
    await given_registered(client)
    stored = await client.get("/streams/source-test-source")
    event = stored.json()["events"][0]
    body = {"events": [{"id": event["event_id"], "type": event["type"], "data": event["data"]}]}
    before = await log_head(pool)

    response = await post(client, "source-test-source", body, dry_run=True)

    assert response.status_code == 200, response.text
    assert response.json()["duplicate"] is True and response.json()["dry_run"] is True
    assert await log_head(pool) == before
