"""The global feed and streams page like every list (``cursor`` in, ``next_cursor`` out) and
name an event's id ``event_id``; the old names answer for one release, marked deprecated."""

from __future__ import annotations

import re

import pytest

from tests.factories import append, given_initiative_stream, given_registered, initiative
from tests.integration.test_http_events import wait_until_readable

DEPRECATION = re.compile(r"^@\d+$")  # RFC 9745: a structured-field date


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


async def test_every_event_answer_names_its_id_event_id_and_still_id(client):
    await given_registered(client)
    announced = initiative()
    appended = (await append(client, "initiative-test-plan", announced)).json()["events"][0]
    assert appended["event_id"] == appended["id"] == announced["id"]
    one = (await client.get(f"/events/{announced['id']}")).json()
    assert one["event_id"] == one["id"] == announced["id"]
    stream = (await client.get("/streams/initiative-test-plan")).json()["events"][0]
    assert stream["event_id"] == announced["id"]


async def test_the_old_names_answer_with_a_deprecation_header(client):
    stream = await given_initiative_stream(client, changes=2)
    await wait_until_readable(client, 4)
    old = await client.get("/events", params={"limit": 2})
    assert DEPRECATION.match(old.headers["deprecation"])
    assert 'rel="deprecation"' in old.headers["link"]
    rest = (await client.get("/events", params={"after": old.json()["next"]})).json()
    assert len(old.json()["events"] + rest["events"]) == 5
    page = await client.get(f"/streams/{stream}", params={"from_version": 1, "limit": 2})
    assert DEPRECATION.match(page.headers["deprecation"])
    assert [e["stream_version"] for e in page.json()["events"]] == [1, 2]
    assert page.json()["next_version"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/events?cursor=yesterday",
        "/events?cursor=aS5tc3M",  # a people list's cursor
        "/events?cursor=3-7",  # only 0-0 of the deprecated after's form
        "/streams/agency-test-ministry?cursor=yesterday",
        "/streams/agency-test-ministry?cursor=di4w",  # version 0
    ],
)
async def test_a_malformed_cursor_is_a_400_problem(client, path):
    await given_registered(client)
    response = await client.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/invalid-cursor"
