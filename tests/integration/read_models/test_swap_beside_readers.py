"""A blue/green swap beside readers that hold one live table and then ask for another: the
reader is answered and the replay completes; neither is killed as a deadlock (schemathesis'
stateful run once met a reader's 500 there, ``deadlock detected``, during a replay)."""

from __future__ import annotations

import asyncio

import asyncpg

from service.projections.rebuild import Rebuild
from service.read_models import PROJECTIONS

DEADLINE = 30.0


def projection(name: str):
    return next(p for p in PROJECTIONS if p.name == name)


async def swap_waits_for(pool, table: str) -> None:
    """Until a session waits for ``table`` in ACCESS EXCLUSIVE mode (the swap's lock)."""
    async with asyncio.timeout(DEADLINE):
        while not await pool.fetchval(
            """SELECT EXISTS (SELECT FROM pg_locks WHERE NOT granted
                 AND mode = 'AccessExclusiveLock' AND relation = $1::regclass)""",
            f"public.{table}",
        ):
            await asyncio.sleep(0.01)


async def test_a_reader_holding_one_live_table_gets_the_next_while_a_swap_needs_both(
    seeded_log, pool, database_url
):
    meetings_before = await pool.fetchval("SELECT count(*) FROM meetings")
    building = await Rebuild.begin(
        database_url, [projection("meetings"), projection("statements")], batch_size=10
    )
    reader = await asyncpg.connect(database_url)
    try:
        async with reader.transaction():
            await reader.fetchval("SELECT count(*) FROM statements")
            finished = asyncio.create_task(building.run())
            # The swap holds meetings (its first table) and waits for statements.
            await swap_waits_for(pool, "statements")
            meetings = await asyncio.wait_for(
                reader.fetchval("SELECT count(*) FROM meetings"), DEADLINE
            )
        status = await asyncio.wait_for(finished, DEADLINE)
    finally:
        await reader.close()

    assert meetings == meetings_before
    assert status.state == "completed", status
    assert await pool.fetchval("SELECT count(*) FROM meetings") == meetings_before
