"""``GET /events/live`` over HTTP, under uvicorn, on real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import httpx
import msgspec
import pytest

from service.http.event_cursors import feed_cursor
from service.store import START, NewEvent
from tests.e2e.sse import LiveStream, served

PROBLEM = "application/problem+json"


@pytest.fixture
def live_settings(settings):
    def make(**changes):
        return msgspec.structs.replace(settings, **changes)

    return make


async def appended(store, stream_id: str, *types: str) -> list[str]:
    """Append one event per type to ``stream_id``; their ids."""
    batch = [
        NewEvent(id=uuid.uuid4(), type=type_, data=msgspec.json.encode({"n": n}))
        for n, type_ in enumerate(types)
    ]
    await store.append(stream_id, batch, "any")
    return [str(event.id) for event in batch]


START_CURSOR = feed_cursor(START)
"""The cursor before the first event."""


async def readable_page(http, limit: int) -> dict:
    """The feed's first page once it holds ``limit`` events (another transaction on the
    server may keep new events unreadable for a moment)."""
    for _ in range(200):
        page = (await http.get("/events", params={"limit": limit})).json()
        if len(page["events"]) == limit:
            return page
        await asyncio.sleep(0.05)
    raise AssertionError("the events never became readable")


async def opened(http, path="/events/live", headers=None) -> LiveStream:
    stream = await LiveStream(http, path, headers).open()
    assert stream.response.status_code == 200, stream.response.text
    return stream


async def test_an_append_reaches_a_subscriber_with_its_cursor_type_and_json(
    database_url, live_settings, store
):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        stream = await opened(http)
        headers = stream.response.headers
        assert headers["content-type"].startswith("text/event-stream")
        assert headers["cache-control"] == "no-cache" and "etag" not in headers
        [event_id] = await appended(store, "thing-1", "thing.happened")
        [message] = await stream.events(1)
        body = message.json()
        assert body["event_id"] == event_id and "id" not in body
        assert (message.event, body["type"], body["data"]) == ("thing.happened", "thing.happened", {"n": 0})
        page = (await http.get("/events")).json()
        assert message.id == page["resume_cursor"]  # the SSE id is the feed's own cursor
        await stream.close()


async def test_a_reconnect_with_last_event_id_loses_and_repeats_nothing(
    database_url, live_settings, store
):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        first = await opened(http)
        before = await appended(store, "thing-1", "thing.happened", "thing.happened")
        received = await first.events(2)
        await first.close()

        missed = await appended(store, "thing-1", "thing.happened", "thing.happened", "thing.happened")
        again = await opened(http, headers={"Last-Event-ID": received[-1].id})
        caught_up = await again.events(3)
        after = await appended(store, "thing-2", "thing.happened")
        live = await again.events(1)
        await again.nothing_more(0.5)
        await again.close()

    ids = [m.json()["event_id"] for m in received + caught_up + live]
    assert ids == before + missed + after


async def test_last_event_id_wins_over_the_cursor_in_the_url(database_url, live_settings, store):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        ids = await appended(store, "thing-1", "a.b", "a.b", "a.b")
        page = await readable_page(http, 1)
        stream = await opened(
            http, f"/events/live?cursor={START_CURSOR}", headers={"Last-Event-ID": page["resume_cursor"]}
        )
        assert [m.json()["event_id"] for m in await stream.events(2)] == ids[1:]
        await stream.close()


async def test_twenty_subscribers_each_receive_an_append_through_one_listener(
    database_url, live_settings, store, pool
):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(
        base_url=url, limits=httpx.Limits(max_connections=50)
    ) as http:
        one = await opened(http)
        listeners_with_one = await live_feed_connections(pool, database_url)
        streams = [one, *[await opened(http) for _ in range(19)]]
        event_ids = await appended(store, "thing-1", "thing.happened")
        received = await asyncio.gather(*(stream.events(1) for stream in streams))
        assert all([m.json()["event_id"] for m in r] == event_ids for r in received)
        listeners_with_twenty = await live_feed_connections(pool, database_url)
        api_connections = await connections_named(pool, database_url, "policy-timeline")
        for stream in streams:
            await stream.close()
    assert listeners_with_one == listeners_with_twenty == 1
    assert api_connections <= live_settings().pool_max_size


async def live_feed_connections(pool, database_url) -> int:
    return await connections_named(pool, database_url, "policy-timeline live feed")


async def connections_named(pool, database_url, name) -> int:
    database = urlsplit(database_url).path.lstrip("/")
    return await pool.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
        database, name,
    )


async def test_a_type_filter_lets_only_those_types_through(database_url, live_settings, store):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        stream = await opened(http, "/events/live?type=b.happened&type=c.happened")
        ids = await appended(store, "thing-1", "a.happened", "b.happened", "a.happened", "c.happened")
        messages = await stream.events(2)
        assert [m.json()["event_id"] for m in messages] == [ids[1], ids[3]]
        assert [m.event for m in messages] == ["b.happened", "c.happened"]
        await stream.nothing_more(0.3)
        await stream.close()


async def test_a_filtered_stream_resumed_from_the_start_catches_up_only_its_types(
    database_url, live_settings, store
):
    ids = await appended(store, "thing-1", "a.happened", "b.happened", "a.happened", "b.happened")
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        stream = await opened(http, f"/events/live?cursor={START_CURSOR}&type=b.happened")
        assert [m.json()["event_id"] for m in await stream.events(2)] == [ids[1], ids[3]]
        await stream.close()


async def test_cursor_0_0_replays_the_whole_log_then_goes_live(database_url, live_settings, store):
    """``0-0``, the beginning of the log, is the one cursor a client may write by hand."""
    earlier = await appended(store, "thing-1", "a.happened", "b.happened")
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        stream = await opened(http, "/events/live?cursor=0-0")
        replayed = await stream.events(2)
        later = await appended(store, "thing-2", "c.happened")
        live = await stream.events(1)
        await stream.close()
        resumed = await opened(http, headers={"Last-Event-ID": "0-0"})
        assert [m.json()["event_id"] for m in await resumed.events(3)] == earlier + later
        await resumed.close()
    assert [m.json()["event_id"] for m in replayed + live] == earlier + later


async def test_an_idle_stream_sends_heartbeat_comments(database_url, live_settings):
    settings = live_settings(live_heartbeat_seconds=0.2)
    async with served(settings, database_url) as url, httpx.AsyncClient(base_url=url) as http:
        stream = await opened(http)
        message = await stream.next(timeout=5)
        assert message.comments == ["heartbeat"] and not message.data
        await stream.close()


async def test_one_subscriber_over_the_bound_gets_503_with_retry_after(database_url, live_settings):
    settings = live_settings(live_max_subscribers=2)
    async with served(settings, database_url) as url, httpx.AsyncClient(base_url=url) as http:
        streams = [await opened(http), await opened(http)]
        refused = await LiveStream(http, "/events/live").open()
        assert refused.response.status_code == 503
        assert refused.response.headers["content-type"] == PROBLEM
        assert int(refused.response.headers["retry-after"]) > 0
        assert refused.response.json()["type"] == "/problems/too-many-subscribers"
        await refused.close()
        await streams[0].close()
        # Its place is free once the server has seen the disconnect.
        for _ in range(50):
            again = await LiveStream(http, "/events/live").open()
            if again.response.status_code == 200:
                break
            await again.close()
            await asyncio.sleep(0.1)
        assert again.response.status_code == 200
        await again.close()
        await streams[1].close()


async def test_a_bad_cursor_is_a_400_problem(database_url, live_settings):
    async with served(live_settings(), database_url) as url, httpx.AsyncClient(base_url=url) as http:
        refused = await LiveStream(http, "/events/live", {"Last-Event-ID": "nonsense"}).open()
        assert refused.response.status_code == 400
        assert refused.response.json()["type"] == "/problems/invalid-cursor"
        await refused.close()
