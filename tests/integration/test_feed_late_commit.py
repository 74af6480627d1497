"""The global feed never skips an event whose transaction commits late."""

from __future__ import annotations

import uuid

import asyncpg

from service.store import START
from tests.integration.projector.helpers import every_event_readable

APPEND = """SELECT positions FROM append_events($1, 'any', $2::uuid[], ARRAY['test.late'],
    ARRAY[1::smallint], ARRAY['{}'::jsonb], ARRAY['{}'::jsonb], false)"""


async def test_a_reader_never_passes_a_transaction_that_commits_late(store, database_url):
    slow = await asyncpg.connect(database_url)
    fast = await asyncpg.connect(database_url)
    try:
        transaction = slow.transaction()
        await transaction.start()
        [slow_position] = await slow.fetchval(APPEND, "slow", [uuid.uuid4()])
        [fast_position] = await fast.fetchval(APPEND, "fast", [uuid.uuid4()])
        assert slow_position < fast_position  # the slow one took the lower position

        # While the slow transaction is open, the committed fast event must not be read:
        # a reader that moved past it would never come back for the slow one.
        cursor = START
        for _ in range(5):
            page = await store.read_all(cursor)
            assert page.events == []
            cursor = page.next

        await transaction.commit()
        await every_event_readable(store, store.pool)
        page = await store.read_all(cursor)
        assert [e.position for e in page.events] == [slow_position, fast_position]
    finally:
        await slow.close()
        await fast.close()


async def test_the_cursor_orders_by_transaction_not_by_position(store, database_url):
    first = await asyncpg.connect(database_url)
    second = await asyncpg.connect(database_url)
    try:
        # ``first`` gets its transaction id before ``second`` but its position after.
        transaction = first.transaction()
        await transaction.start()
        await first.execute("SELECT pg_current_xact_id()")
        [second_position] = await second.fetchval(APPEND, "b", [uuid.uuid4()])
        [first_position] = await first.fetchval(APPEND, "a", [uuid.uuid4()])
        assert second_position < first_position
        assert (await store.read_all(START)).events == []
        await transaction.commit()

        await every_event_readable(store, store.pool)
        page = await store.read_all(START)
        assert [e.position for e in page.events] == [first_position, second_position]
    finally:
        await first.close()
        await second.close()


async def test_the_feed_is_read_through_its_index_without_sorting(pool):
    from service.store.postgres import _READ_ALL

    async with pool.acquire() as connection, connection.transaction():
        # With sorting and scans made prohibitive, only an index-ordered plan avoids a Sort.
        await connection.execute("SET LOCAL enable_sort = off")
        await connection.execute("SET LOCAL enable_seqscan = off")
        lines = [row[0] for row in await connection.fetch(f"EXPLAIN {_READ_ALL}", "0", 0, 100)]
    assert "events_feed" in "\n".join(lines)
    assert not any("Sort" in line for line in lines), lines
