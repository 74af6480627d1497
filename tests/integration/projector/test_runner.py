"""The live runner folds the feed into a projection's tables, batch by batch, from its checkpoint."""

from __future__ import annotations

import uuid

from service.projections.runner import apply_next_batch
from service.store import START, NewEvent
from tests.integration.projector.helpers import (
    COUNTS,
    caught_up,
    checkpoint,
    count_event,
    counting,
    counts,
    every_event_readable,
    given_events,
    last_committed,
    unhandled,
    until,
)


async def test_a_runner_folds_every_event_and_checkpoints_the_end_of_the_feed(
    store, pool, start_runner
):
    await given_events(store, "organization-a", 3)
    await given_events(store, "organization-b", 2)
    running = start_runner()
    await caught_up(store, pool)

    assert await counts(pool) == {"organization-a": 3, "organization-b": 2}
    assert await checkpoint(pool) == await last_committed(pool)
    assert running.runner.leader
    assert await pool.fetchval(
        "SELECT events_applied FROM projection_checkpoints WHERE name = 'stream_counts'"
    ) == 5


async def test_a_runner_folds_a_backlog_of_many_batches_without_being_woken(
    store, pool, start_runner
):
    # Appended before the runner listens, and a poll far longer than the test may take: only
    # reading on after a full batch folds the batches after the first.
    for number in range(7):
        await given_events(store, f"organization-{number % 3}", 1)
    start_runner(batch_size=2, poll_interval=3600)
    await caught_up(store, pool)

    assert await counts(pool) == {"organization-0": 3, "organization-1": 2, "organization-2": 2}
    assert await checkpoint(pool) == await last_committed(pool)


async def test_events_without_a_handler_are_passed_but_checkpointed(store, pool, start_runner):
    await given_events(store, "organization-a", 1)
    await store.append("other", [unhandled(), unhandled()], "any")
    start_runner()
    await caught_up(store, pool)

    assert await counts(pool) == {"organization-a": 1}
    assert await checkpoint(pool) == await last_committed(pool)


async def test_each_batch_reads_at_most_the_batch_size_and_moves_the_checkpoint_with_it(
    store, pool, counts_table
):
    for number in range(10):
        await given_events(store, f"organization-{number}", 1)
    await every_event_readable(store, pool)
    feed = (await store.read_all(START, 100)).events
    async with pool.acquire() as connection:
        first = await apply_next_batch(connection, COUNTS, batch_size=4)
        assert await checkpoint(pool) == feed[3].cursor
        rest = [await apply_next_batch(connection, COUNTS, batch_size=4) for _ in range(3)]
    assert [first, *rest] == [4, 4, 2, 0]
    assert await checkpoint(pool) == feed[-1].cursor
    assert sum((await counts(pool)).values()) == 10


async def test_an_event_that_cannot_be_decoded_is_skipped_with_a_record_and_the_runner_goes_on(
    store, pool, start_runner
):
    await given_events(store, "organization-a", 1)
    broken = NewEvent(id=uuid.uuid4(), type="organization.registered", data=b'{"kind": "company"}')
    await store.append("organization-broken", [broken], "any")
    await given_events(store, "organization-b", 1)
    start_runner()
    await caught_up(store, pool)

    assert await counts(pool) == {"organization-a": 1, "organization-b": 1}
    skipped = await pool.fetchrow(
        "SELECT event_id, type, error FROM projection_skipped_events WHERE name = 'stream_counts'"
    )
    assert skipped["event_id"] == broken.id
    assert skipped["type"] == "organization.registered"
    assert "organization_id" in skipped["error"]
    assert await pool.fetchval(
        "SELECT events_skipped FROM projection_checkpoints WHERE name = 'stream_counts'"
    ) == 1


async def test_a_handler_that_raises_skips_only_that_event(store, pool, start_runner):
    def count_unless_named_boom(view, fact):
        if fact.value.name_ko == "boom":
            raise ValueError("this handler cannot fold a boom")
        yield from count_event(view, fact)

    fragile = counting(count_unless_named_boom)
    await given_events(store, "organization-a", 2)
    await given_events(store, "organization-boom", 1, name="boom")
    await given_events(store, "organization-b", 1)
    start_runner(fragile)
    await caught_up(store, pool)

    assert await counts(pool) == {"organization-a": 2, "organization-b": 1}
    assert "cannot fold a boom" in await pool.fetchval(
        "SELECT error FROM projection_skipped_events WHERE name = 'stream_counts'"
    )


async def test_a_runner_wakes_up_on_the_stores_notification(store, pool, start_runner):
    # The poll is far longer than the test may take: only the notification can wake it.
    running = start_runner(poll_interval=3600)
    await running.runner.wait_until_leader()
    await until(lambda: _has_checkpoint(pool))  # its first read found nothing
    await given_events(store, "organization-a", 2)
    await until(lambda: _counted(pool, {"organization-a": 2}))


async def test_a_runner_that_misses_notifications_still_finds_new_events_by_polling(
    store, pool, start_runner
):
    running = start_runner(notify_channel="nobody_notifies_this_channel", poll_interval=0.1)
    await running.runner.wait_until_leader()
    await until(lambda: _has_checkpoint(pool))
    await given_events(store, "organization-a", 2)
    await until(lambda: _counted(pool, {"organization-a": 2}))


async def _has_checkpoint(pool) -> bool:
    return await checkpoint(pool) is not None


async def _counted(pool, expected: dict[str, int]) -> bool:
    return await counts(pool) == expected


async def test_the_runner_keeps_the_statistics_of_its_growing_tables_fresh(
    store, pool, start_runner, monkeypatch
):
    # Autovacuum may be off or behind; plans made without statistics can scan whole indexes.
    monkeypatch.setattr("service.projections.runner.ANALYZE_EVERY", 3)
    await given_events(store, "organization-a", 4)
    start_runner()
    await caught_up(store, pool)
    await until(lambda: _analyzed(pool, "stream_counts"))


async def _analyzed(pool, table: str) -> bool:
    return await pool.fetchval(
        "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = $1", table
    )
