"""The store says what the gap-safe feed cannot read yet and which transaction holds it back."""

from __future__ import annotations

import asyncio

from service.store import START, backlog_after, feed_backlog
from tests.feed_blocker import APPLICATION_NAME, transaction_in_another_database
from tests.integration.projector.helpers import (
    every_event_readable,
    given_events,
    last_committed,
    until,
)


async def blocked_by(pool, pid: int) -> bool:
    """Another run on the server may hold an older transaction for a moment; wait for it."""
    async with pool.acquire() as connection:
        blocking = (await feed_backlog(connection)).blocking
    return blocking is not None and blocking.pid == pid


async def test_nothing_is_unreadable_when_no_transaction_holds_the_feed_back(store, pool):
    await given_events(store, "organization-a", 2)
    await every_event_readable(store, pool)
    async with pool.acquire() as connection:
        backlog = await feed_backlog(connection)
    assert backlog.events_unreadable == 0
    assert backlog.oldest_unreadable_seconds == 0
    assert backlog.blocking is None


async def test_events_committed_after_a_transaction_open_in_another_database_are_unreadable(
    server_url, store, pool
):
    async with transaction_in_another_database(server_url) as blocker:
        await given_events(store, "organization-a", 3)
        await asyncio.sleep(0.05)
        await until(lambda: blocked_by(pool, blocker.pid))
        async with pool.acquire() as connection:
            backlog = await feed_backlog(connection)
        assert backlog.events_unreadable == 3
        assert backlog.oldest_unreadable_seconds >= 0.05
        blocking = backlog.blocking
        assert blocking.database == blocker.database
        assert blocking.application_name == APPLICATION_NAME
        assert blocking.state == "idle in transaction"
        assert blocking.transaction_seconds >= backlog.oldest_unreadable_seconds
        assert blocking.backend_xid == blocker.xid % 2**32

    await every_event_readable(store, pool)
    async with pool.acquire() as connection:
        assert (await feed_backlog(connection)).events_unreadable == 0


async def test_the_backlog_after_a_cursor_counts_its_age_whether_readable_or_not(
    server_url, store, pool
):
    await given_events(store, "organization-a", 2)
    await every_event_readable(store, pool)
    readable_end = await last_committed(pool)
    async with transaction_in_another_database(server_url) as blocker:
        await given_events(store, "organization-b", 3)
        await asyncio.sleep(0.05)
        await until(lambda: blocked_by(pool, blocker.pid))
        async with pool.acquire() as connection:
            from_start, caught_up = await backlog_after(connection, [START, readable_end])
            [uncounted] = await backlog_after(connection, [readable_end], count_readable=False)

    assert (from_start.events_readable, from_start.events_unreadable) == (2, 3)
    assert (caught_up.events_readable, caught_up.events_unreadable) == (0, 3)
    # what a stalled feed hides from events_readable shows in seconds_behind
    assert caught_up.seconds_behind >= 0.05
    assert from_start.seconds_behind >= caught_up.seconds_behind
    assert uncounted.events_readable is None
    assert uncounted.seconds_behind >= 0.05


async def test_the_backlog_after_the_last_event_is_nothing(store, pool):
    await given_events(store, "organization-a", 2)
    await every_event_readable(store, pool)
    async with pool.acquire() as connection:
        [backlog] = await backlog_after(connection, [await last_committed(pool)])
    assert (backlog.events_readable, backlog.events_unreadable, backlog.seconds_behind) == (0, 0, 0)
