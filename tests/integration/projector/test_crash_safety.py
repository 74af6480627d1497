"""A batch is applied whole or not at all: a crash never applies an event twice or loses one."""

from __future__ import annotations

import asyncio

from service.projections.base import Projection
from service.store import START
from tests.integration.projector.helpers import (
    caught_up,
    checkpoint,
    count_event,
    counts,
    given_events,
    until,
)

# A statement that divides by zero until the test disarms it (a subquery, so the planner
# cannot fold it away): a batch that fails after writing part of its rows.
TRIPWIRE = "SELECT 1 / (SELECT count(*)::integer FROM tripwire_disarmed)"
# A statement that waits while the test holds an advisory lock: a batch caught mid-way.
GATE = "SELECT pg_advisory_xact_lock_shared(7, 7)"


def counting_with(statement: str, stream_id: str) -> Projection:
    def handle(ops, event, fact):
        count_event(ops, event, fact)
        if event.stream_id == stream_id:
            ops.add(statement)

    return Projection("stream_counts", ("stream_counts",), {"organization.registered": handle})


async def given_three_streams(store, middle: str) -> None:
    await given_events(store, "organization-a", 3)
    await given_events(store, middle, 1)
    await given_events(store, "organization-b", 3)


async def test_a_batch_that_fails_half_way_leaves_nothing_and_is_applied_once_when_it_can(
    store, pool, start_runner
):
    await pool.execute("CREATE TABLE tripwire_disarmed (at timestamptz DEFAULT now())")
    await given_three_streams(store, "organization-trip")
    start_runner(counting_with(TRIPWIRE, "organization-trip"))

    await until(lambda: _last_error(pool))
    assert "division by zero" in await _last_error(pool)
    assert await counts(pool) == {}
    assert await checkpoint(pool) == START

    await pool.execute("INSERT INTO tripwire_disarmed DEFAULT VALUES")
    await caught_up(store, pool)
    assert await counts(pool) == {"organization-a": 3, "organization-trip": 1, "organization-b": 3}
    assert await _last_error(pool) is None


async def test_a_runner_killed_in_the_middle_of_a_batch_is_resumed_without_duplicates(
    store, pool, start_runner
):
    gate = await pool.acquire()
    await gate.execute("SELECT pg_advisory_lock(7, 7)")
    try:
        await given_three_streams(store, "organization-gate")
        start_runner(counting_with(GATE, "organization-gate"))

        stuck = await _waiting_at_the_gate(pool)
        await pool.execute("SELECT pg_terminate_backend($1)", stuck)
        # Started again, the runner reaches the gate once more: nothing of the killed batch stayed.
        again = await _waiting_at_the_gate(pool)
        assert again != stuck
        assert await counts(pool) == {}
        assert await checkpoint(pool) == START
    finally:
        await gate.execute("SELECT pg_advisory_unlock(7, 7)")
        await pool.release(gate)

    await caught_up(store, pool)
    assert await counts(pool) == {"organization-a": 3, "organization-gate": 1, "organization-b": 3}


async def test_a_runner_stopped_between_batches_is_resumed_from_its_checkpoint(
    store, pool, start_runner
):
    for number in range(10):
        await given_events(store, f"organization-{number}", 1)
    first_batch_done, never = asyncio.Event(), asyncio.Event()

    async def pause_after_the_first_batch(count: int) -> None:
        first_batch_done.set()
        await never.wait()

    stopped = start_runner(batch_size=4, after_batch=pause_after_the_first_batch)
    await asyncio.wait_for(first_batch_done.wait(), 30)
    await stopped.stop()
    assert sum((await counts(pool)).values()) == 4

    start_runner(batch_size=4)
    await caught_up(store, pool)
    assert await counts(pool) == {f"organization-{number}": 1 for number in range(10)}


async def _last_error(pool) -> str | None:
    return await pool.fetchval(
        "SELECT last_error FROM projection_checkpoints WHERE name = 'stream_counts'"
    )


async def _waiting_at_the_gate(pool) -> int:
    query = """SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7
               AND objid = 7 AND objsubid = 2 AND NOT granted"""
    await until(lambda: _fetch_is_not_none(pool, query))
    return await pool.fetchval(query)


async def _fetch_is_not_none(pool, query: str) -> bool:
    return await pool.fetchval(query) is not None
