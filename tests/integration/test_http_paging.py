"""The global feed and streams page like every list (``cursor`` in, ``next_cursor`` out) and
name an event's id ``event_id``; the old names are gone (docs/api.md, "Removed names")."""

from __future__ import annotations

import pytest

from tests.factories import append, given_initiative_stream, given_registered, initiative
from tests.integration.test_http_events import wait_until_readable


async def walk(client, path: str, limit: int, **params) -> list[dict]:
    events, cursor = [], None
    for _ in range(1000):  # a cursor that repeats itself fails instead of looping for ever
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        events += body["events"]
        cursor = body["next_cursor"]
        if cursor is None:
            return events
        assert body["events"]
    raise AssertionError("no last page within 1000 pages")


@pytest.mark.parametrize("limit", [1, 2])
async def test_the_feed_walks_to_its_end_with_cursors(client, limit):
    await given_initiative_stream(client, changes=2)
    await wait_until_readable(client, 5)
    whole = (await client.get("/events")).json()
    assert whole["next_cursor"] is None and len(whole["events"]) == 5
    walked = await walk(client, "/events", limit)
    assert [e["event_id"] for e in walked] == [e["event_id"] for e in whole["events"]]


async def test_the_feed_resumes_after_its_end_with_the_resume_cursor(client):
    await given_initiative_stream(client, changes=1)
    await wait_until_readable(client, 4)
    page = (await client.get("/events")).json()
    assert page["next_cursor"] is None
    empty = (await client.get("/events", params={"cursor": page["resume_cursor"]})).json()
    assert empty["events"] == [] and empty["resume_cursor"] == page["resume_cursor"]
    await append(client, "initiative-other-plan", initiative("other-plan"))
    await wait_until_readable(client, 5)
    later = (await client.get("/events", params={"cursor": page["resume_cursor"]})).json()
    assert [e["type"] for e in later["events"]] == ["initiative.announced"]


async def test_the_feed_from_cursor_0_0_is_the_feed_from_its_beginning(client):
    await given_initiative_stream(client, changes=1)
    await wait_until_readable(client, 4)
    from_start = (await client.get("/events", params={"cursor": "0-0"})).json()
    assert from_start == (await client.get("/events")).json()


async def test_a_stream_walks_forward_and_backward_with_cursors(client):
    stream = await given_initiative_stream(client, changes=4)
    forward = await walk(client, f"/streams/{stream}", 2)
    assert [e["stream_version"] for e in forward] == [1, 2, 3, 4, 5]
    backward = await walk(client, f"/streams/{stream}", 2, direction="backward")
    assert [e["stream_version"] for e in backward] == [5, 4, 3, 2, 1]


async def test_every_event_answer_names_its_id_event_id_only(client):
    await given_registered(client)
    announced = initiative()
    appended = (await append(client, "initiative-test-plan", announced)).json()
    one = (await client.get(f"/events/{announced['id']}")).json()
    stream = (await client.get("/streams/initiative-test-plan")).json()
    await wait_until_readable(client, 3)
    feed = (await client.get("/events")).json()
    for event in [appended["events"][0], one, stream["events"][0], feed["events"][-1]]:
        assert event["event_id"] == announced["id"] and "id" not in event


async def test_the_removed_names_are_refused_and_answer_no_more(client):
    stream = await given_initiative_stream(client, changes=2)
    await wait_until_readable(client, 4)
    page = await client.get("/events", params={"limit": 2})
    assert "next" not in page.json() and "deprecation" not in page.headers
    stream_page = await client.get(f"/streams/{stream}", params={"limit": 2})
    assert "next_version" not in stream_page.json() and "deprecation" not in stream_page.headers
    removed = [("/events", "after", "0-0"), (f"/streams/{stream}", "from_version", 1)]
    for path, name, value in removed:
        refused = await client.get(path, params={name: value})
        assert refused.status_code == 400, refused.text
        assert refused.json()["type"] == "/problems/unknown-parameter"
        assert refused.json()["parameters"] == [name]


@pytest.mark.parametrize(
    "path",
    [
        "/events?cursor=yesterday",
        "/events?cursor=aS5tc3M",  # a people list's cursor
        "/events?cursor=3-7",  # of the removed after's form, only 0-0 is a cursor
        "/streams/agency-test-ministry?cursor=yesterday",
        "/streams/agency-test-ministry?cursor=di4w",  # version 0
    ],
)
async def test_a_malformed_cursor_is_a_400_problem(client, path):
    await given_registered(client)
    response = await client.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/invalid-cursor"
