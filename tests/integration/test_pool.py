"""The service's pool hands out clean connections, with a cheaper reset than asyncpg's."""

from __future__ import annotations

import msgspec

from service import database


async def test_a_connection_released_inside_a_transaction_comes_back_without_it(database_url, settings):
    one_connection = msgspec.structs.replace(settings, pool_min_size=1, pool_max_size=1)
    pool = await database.create_pool(database_url, one_connection)
    try:
        connection = await pool.acquire()
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("CREATE TEMPORARY TABLE leftover (n int)")
        await pool.release(connection)

        async with pool.acquire() as again:
            assert not again.is_in_transaction()
            # the abandoned transaction was rolled back, and its table with it
            assert await again.fetchval("SELECT to_regclass('pg_temp.leftover')") is None
    finally:
        await pool.close()
