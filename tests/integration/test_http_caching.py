"""Reads say how caches may keep them (``Cache-Control``) and revalidate with ETags (304)."""

from __future__ import annotations

import uuid

from tests.deadlines import until
from tests.factories import given_registered


async def test_a_read_must_be_revalidated_and_a_matching_etag_gets_304(client):
    await given_registered(client)
    first = await client.get("/agencies")
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]
    again = await client.get("/agencies", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (again.headers["etag"], again.headers["cache-control"]) == (etag, "no-cache")


async def test_after_an_append_the_old_etag_no_longer_matches(client):
    etag = (await client.get("/events", params={"cursor": "0-0"})).headers["etag"]
    await given_registered(client)

    async def changed():
        answer = await client.get(
            "/events", params={"cursor": "0-0"}, headers={"If-None-Match": etag}
        )
        return answer if answer.status_code == 200 else None

    # Until the feed can read the new events (a transaction elsewhere may hold them back).
    answer = await until(changed, "the feed answering its new events")
    assert answer.headers["etag"] != etag


async def test_one_event_is_fresh_for_an_hour_and_an_unknown_one_is_not_cached(client):
    await given_registered(client)
    event_id = (await client.get("/streams/agency-test-ministry")).json()["events"][0]["event_id"]
    found = await client.get(f"/events/{event_id}")
    assert found.headers["cache-control"] == "max-age=3600"
    missing = await client.get(f"/events/{uuid.uuid4()}")
    assert missing.status_code == 404 and "cache-control" not in missing.headers


async def test_metrics_carry_no_etag(client):
    metrics = await client.get("/metrics")
    assert "etag" not in metrics.headers
