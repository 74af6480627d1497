"""``as_of``: a projection as it was known at an instant, folded into temporary tables."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.projections.as_of import fold_as_of
from tests.integration.projector.helpers import COUNTS, counts, every_event_readable, given_events

QUERY = "SELECT stream_id, events FROM stream_counts ORDER BY stream_id"


async def recorded_so_far(pool) -> datetime:
    return await pool.fetchval("SELECT max(recorded_at) FROM events")


async def test_as_of_answers_from_the_events_recorded_up_to_that_instant(store, pool, counts_table):
    await given_events(store, "organization-a", 2)
    await given_events(store, "organization-b", 1)
    then = await recorded_so_far(pool)
    await given_events(store, "organization-a", 3)
    await given_events(store, "organization-c", 1)
    await every_event_readable(store, pool)

    async with pool.acquire() as connection:
        async with fold_as_of(connection, [COUNTS], then, batch_size=2) as past:
            rows = await past.fetch(QUERY)
        assert [tuple(row) for row in rows] == [("organization-a", 2), ("organization-b", 1)]


async def test_as_of_leaves_the_live_tables_alone_and_the_connection_as_it_was(
    store, pool, counts_table
):
    await pool.execute("INSERT INTO stream_counts VALUES ('live-only', 9, 0, NULL)")
    await given_events(store, "organization-a", 1)
    await every_event_readable(store, pool)

    async with pool.acquire() as connection:
        live_before = await connection.fetch(QUERY)  # prepared here against the live table
        async with fold_as_of(connection, [COUNTS], await recorded_so_far(pool)) as past:
            assert [tuple(row) for row in await past.fetch(QUERY)] == [("organization-a", 1)]
        assert await connection.fetch(QUERY) == live_before
        assert await connection.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname LIKE 'pg_temp%'") == 0
    assert await counts(pool) == {"live-only": 9}


async def test_as_of_before_any_event_is_empty(store, pool, counts_table):
    before = await pool.fetchval("SELECT now() - interval '1 day'")
    await given_events(store, "organization-a", 1)
    async with pool.acquire() as connection:
        async with fold_as_of(connection, [COUNTS], before) as past:
            assert await past.fetch(QUERY) == []


async def test_as_of_needs_an_instant_with_a_time_zone(pool, counts_table):
    async with pool.acquire() as connection:
        with pytest.raises(ValueError, match="timezone"):
            async with fold_as_of(connection, [COUNTS], datetime(2025, 3, 1)):
                pass
