"""A transaction open in another database of the server stalls the feed: the service says so
in ``GET /projections``, in ``/ready`` and in its log, and recovers when it ends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.projections.feed_watch import FeedWatch
from service.settings import Settings
from service.store import feed_backlog
from tests.feed_blocker import APPLICATION_NAME, transaction_in_another_database
from tests.integration.projector.helpers import (
    COUNTS,
    caught_up,
    every_event_readable,
    given_events,
    until,
)
from tests.tokens import ADMIN, bearer

WATCH_LOGGER = "service.projections.feed_watch"


@pytest.fixture
async def app_with(database_url, counts_table) -> AsyncIterator[Callable[..., object]]:
    """The API running the test projection, on settings of the test's choosing."""
    clients = []

    async def start(**settings: object) -> AsyncTestClient:
        options = {"seed_on_start": False, "poll_interval_seconds": 0.2, **settings}
        client = AsyncTestClient(create_app(Settings(**options), database_url, projections=[COUNTS]))
        await client.__aenter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.__aexit__(None, None, None)


@pytest.fixture
def watch_log(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """caplog on the watch's own logger: the app's start replaces the root logger's handlers
    (Litestar's logging config), caplog's among them."""
    logger = logging.getLogger(WATCH_LOGGER)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # or caplog would see each record twice while it is on root too
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.setLevel(level)
    logger.propagate = propagate


async def blocked_by(pool, pid: int) -> bool:
    """Other test runs on the server may hold an older transaction for a moment."""
    async with pool.acquire() as connection:
        blocking = (await feed_backlog(connection)).blocking
    return blocking is not None and blocking.pid == pid


async def test_a_stalled_feed_shows_in_projections_fails_readiness_is_logged_and_recovers(
    server_url, store, pool, app_with, watch_log
):
    client = await app_with(ready_max_lag_seconds=0.5, feed_stall_warning_seconds=0.3)
    await given_events(store, "organization-a", 1)
    await caught_up(store, pool)
    # Other transactions on the server may hold the feed back for a moment.
    await until(lambda: _ready(client))

    async with transaction_in_another_database(server_url) as blocker:
        await given_events(store, "organization-b", 3)
        await until(lambda: blocked_by(pool, blocker.pid))

        # An admin token may see the blocker.
        body = (await client.get("/projections", headers=bearer(ADMIN))).json()
        assert body["feed"]["events_unreadable"] == 3
        blocking = body["feed"]["blocking"]
        assert (blocking["pid"], blocking["database"]) == (blocker.pid, blocker.database)
        assert blocking["application_name"] == APPLICATION_NAME
        [projection] = body["projections"]
        assert (projection["events_behind"], projection["events_unreadable"]) == (0, 3)

        await asyncio.sleep(0.6)
        stalled = (await client.get("/projections")).json()
        assert stalled["feed"]["oldest_unreadable_seconds"] > 0.5
        assert stalled["projections"][0]["seconds_behind"] > 0.5

        not_ready = await client.get("/ready")
        assert not_ready.status_code == 503
        assert int(not_ready.headers["retry-after"]) > 0
        problem = not_ready.json()
        assert problem["type"] == "/problems/not-ready"
        assert [lag["name"] for lag in problem["lagging"]] == ["stream_counts"]
        assert "stream_counts" in problem["detail"]
        assert "127.0.0.1" not in not_ready.text and "5432" not in not_ready.text

        await until(lambda: warned_about(watch_log, blocker))
        await blocker.end()

    await caught_up(store, pool)
    await every_event_readable(store, pool)
    assert (await client.get("/ready")).status_code == 200
    recovered = (await client.get("/projections")).json()
    assert recovered["feed"] == {
        "events_unreadable": 0, "oldest_unreadable_seconds": 0, "blocking": None
    }
    assert recovered["projections"][0]["seconds_behind"] == 0
    assert len(warnings(watch_log)) == 1


def warnings(log: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in log.records if record.levelno == logging.WARNING]


def warned_about(log: pytest.LogCaptureFixture, blocker) -> bool:
    return any(f"pid {blocker.pid}" in record.getMessage() for record in warnings(log))


async def test_the_watch_warns_once_per_stall_naming_pid_database_and_age(
    server_url, store, pool, watch_log
):
    watch = FeedWatch(threshold=0.2)
    async with transaction_in_another_database(server_url) as blocker:
        await given_events(store, "organization-a", 2)
        await until(lambda: blocked_by(pool, blocker.pid))
        async with pool.acquire() as connection:
            await FeedWatch(threshold=60).warn_if_stalled(connection)
            assert warnings(watch_log) == []  # younger than that threshold

            await asyncio.sleep(0.25)
            for _ in range(3):
                await watch.warn_if_stalled(connection)
        [warning] = warnings(watch_log)
        message = warning.getMessage()
        assert f"pid {blocker.pid}" in message
        assert f"database '{blocker.database}'" in message
        assert "idle in transaction" in message and "open for" in message
        assert "2 committed event(s)" in message

    await every_event_readable(store, pool)
    async with pool.acquire() as connection:
        await watch.warn_if_stalled(connection)
    assert "readable again" in watch_log.records[-1].getMessage()

    # a later stall is a new one, and is warned about again
    async with transaction_in_another_database(server_url) as second:
        await given_events(store, "organization-b", 1)
        await until(lambda: blocked_by(pool, second.pid))
        await asyncio.sleep(0.25)
        async with pool.acquire() as connection:
            await watch.warn_if_stalled(connection)
    assert len(warnings(watch_log)) == 2
    assert f"pid {second.pid}" in warnings(watch_log)[-1].getMessage()


async def _ready(client) -> bool:
    return (await client.get("/ready")).status_code == 200
