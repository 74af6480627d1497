"""A batch is applied whole or not at all: a crash never applies an event twice or loses one."""

from __future__ import annotations

import asyncio

from service.store import START
from tests.integration.projector.helpers import (
    COUNTS,
    caught_up,
    checkpoint,
    counts,
    given_events,
    until,
)

# Handlers run no SQL, so the test arms the table: a trigger runs a statement when the row of
# one stream is written, part-way through a batch's writes.
# A statement that divides by zero until the test disarms it: a batch that fails half-way.
TRIPWIRE = "PERFORM 1 / (SELECT count(*)::integer FROM tripwire_disarmed)"
# A statement that waits while the test holds an advisory lock: a batch caught mid-way.
GATE = "PERFORM pg_advisory_xact_lock_shared(7, 7)"


async def arm(pool, statement: str, stream_id: str) -> None:
    await pool.execute(
        f"""CREATE FUNCTION stream_counts_trap() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.stream_id = '{stream_id}' THEN {statement}; END IF;
                RETURN NEW;
            END $$"""
    )
    await pool.execute(
        """CREATE TRIGGER stream_counts_trap BEFORE INSERT ON stream_counts
           FOR EACH ROW EXECUTE FUNCTION stream_counts_trap()"""
    )


async def given_three_streams(store, middle: str) -> None:
    await given_events(store, "organization-a", 3)
    await given_events(store, middle, 1)
    await given_events(store, "organization-b", 3)


async def test_a_batch_that_fails_half_way_leaves_nothing_and_is_applied_once_when_it_can(
    store, pool, start_runner
):
    await pool.execute("CREATE TABLE tripwire_disarmed (at timestamptz DEFAULT now())")
    await given_three_streams(store, "organization-trip")
    await arm(pool, TRIPWIRE, "organization-trip")
    start_runner(COUNTS)

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
        await arm(pool, GATE, "organization-gate")
        start_runner(COUNTS)

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
