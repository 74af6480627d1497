"""Blue/green replays: a projection rebuilt from the whole log beside the live tables, then swapped in."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from harness.digest import table_digest
from service.projections import connections
from service.projections.build_tables import RebuildNotPossible
from service.projections.rebuild import Rebuild, rebuild
from service.projections.rebuild_status import RebuildAlreadyRunning
from service.projections.status import projection_statuses
from tests.integration.projector.helpers import (
    COUNTS,
    COUNTS_V2,
    VIEW,
    caught_up,
    checkpoint,
    counting,
    counts,
    every_event_readable,
    given_events,
    labels,
    last_committed,
)


async def view(pool) -> list[tuple]:
    return [tuple(row) for row in await pool.fetch(VIEW)]


async def given_a_live_projection(store, pool, database_url, streams: int = 6) -> list[tuple]:
    for number in range(streams):
        await given_events(store, f"organization-{number}", 2)
    await every_event_readable(store, pool)
    await rebuild(database_url, COUNTS)
    return await view(pool)


class PausedBuild:
    """A replay that stops after its first batch until the test lets it go on."""

    def __init__(self) -> None:
        self.building = asyncio.Event()
        self.go_on = asyncio.Event()

    async def __call__(self, status) -> None:
        if not self.building.is_set():
            self.building.set()
            await self.go_on.wait()

    async def wait(self) -> None:
        await asyncio.wait_for(self.building.wait(), 30)


async def test_readers_keep_the_old_complete_view_while_a_replay_builds_and_see_the_new_one_after(
    store, pool, database_url, counts_table
):
    old = await given_a_live_projection(store, pool, database_url)
    assert [label for _, _, label in old] == [None] * 6

    paused = PausedBuild()
    building = await Rebuild.begin(database_url, COUNTS_V2, batch_size=4, chunk_size=4)
    finished = asyncio.create_task(building.run(paused))
    await paused.wait()

    assert await view(pool) == old
    assert await pool.fetchval(
        'SELECT count(*) FROM "projection_build_stream_counts".stream_counts'
    ) == 4  # 4 of 12 events

    paused.go_on.set()
    status = await asyncio.wait_for(finished, 30)

    assert status.state == "completed"
    assert status.events_done == status.events_total == 12
    new = await view(pool)
    assert [(stream, events) for stream, events, _ in new] == [(s, e) for s, e, _ in old]
    assert [label for _, _, label in new] == ["에이"] * 6
    # Pooled connections prepared the query against the dropped table; it still answers,
    # in a transaction too (where asyncpg could not quietly re-prepare it).
    async with pool.acquire() as connection, connection.transaction():
        assert [tuple(row) for row in await connection.fetch(VIEW)] == new


async def test_a_swap_leaves_no_build_schema_and_keeps_the_index_names_of_the_migration(
    store, pool, database_url, counts_table
):
    await given_a_live_projection(store, pool, database_url)
    await rebuild(database_url, COUNTS_V2)

    indexes = await pool.fetch("SELECT indexname FROM pg_indexes WHERE tablename = 'stream_counts'")
    assert {row[0] for row in indexes} == {"stream_counts_version", "stream_counts_by_stream"}
    assert not await pool.fetchval(
        "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname LIKE 'projection_build_%')"
    )


async def test_a_full_replay_rebuilds_exactly_what_the_live_runner_built_batch_by_batch(
    store, pool, database_url, start_runner
):
    start_runner(batch_size=3)
    for round_ in range(4):
        for number in range(round_ + 2):
            await given_events(store, f"organization-{number}", 1, name=f"이름 {round_}")
        await caught_up(store, pool)
    async with pool.acquire() as connection:
        incremental = await table_digest(connection, COUNTS)

    await rebuild(database_url, COUNTS, batch_size=5)
    async with pool.acquire() as connection:
        assert await table_digest(connection, COUNTS) == incremental


async def test_the_live_runner_goes_on_after_a_swap_and_events_appended_during_the_build_count_once(
    store, pool, database_url, start_runner
):
    await given_a_live_projection(store, pool, database_url)
    start_runner(COUNTS_V2)
    paused = PausedBuild()
    building = await Rebuild.begin(database_url, COUNTS_V2, batch_size=4, chunk_size=4)
    finished = asyncio.create_task(building.run(paused))
    await paused.wait()
    await given_events(store, "organization-0", 1, name="빌드 중")
    await given_events(store, "organization-new", 2, name="빌드 중")

    paused.go_on.set()
    await asyncio.wait_for(finished, 30)
    await given_events(store, "organization-new", 1, name="스왑 후")
    await caught_up(store, pool)

    expected = {f"organization-{number}": 2 for number in range(6)}
    assert await counts(pool) == {**expected, "organization-0": 3, "organization-new": 3}
    assert (await labels(pool))["organization-new"] == "스왑 후"
    assert await checkpoint(pool) == await last_committed(pool)


async def test_a_second_replay_of_the_same_projection_is_refused_while_one_runs(
    store, pool, database_url, counts_table
):
    running = await Rebuild.begin(database_url, COUNTS)
    try:
        with pytest.raises(RebuildAlreadyRunning):
            await Rebuild.begin(database_url, COUNTS)
    finally:
        await running.run()
    again = await Rebuild.begin(database_url, COUNTS)
    assert (await again.run()).state == "completed"


async def test_an_interrupted_replay_changes_nothing_live_and_the_next_one_starts_over(
    store, pool, database_url, counts_table
):
    old = await given_a_live_projection(store, pool, database_url)
    interrupted = await Rebuild.begin(database_url, COUNTS_V2, batch_size=4)
    await connections.close(interrupted.connection)  # as if its process died

    async with pool.acquire() as connection:
        [status] = await projection_statuses(connection, [COUNTS])
    assert status.rebuild is not None and status.rebuild.state == "interrupted"
    assert await view(pool) == old

    finished = await rebuild(database_url, COUNTS_V2, batch_size=4)
    assert finished.state == "completed" and finished.events_done == 12
    assert [label for _, _, label in await view(pool)] == ["에이"] * 6


async def test_a_replay_that_fails_is_reported_and_leaves_the_live_tables_as_they_were(
    store, pool, database_url, counts_table
):
    old = await given_a_live_projection(store, pool, database_url)

    def write_a_missing_column(view, fact):
        yield "stream_counts", (fact.stream_id, fact.event_id, "x")

    broken = counting(write_a_missing_column, ("stream_id", "event_id", "no_such_column"))
    with pytest.raises(Exception, match="no_such_column"):
        await rebuild(database_url, broken)

    async with pool.acquire() as connection:
        [status] = await projection_statuses(connection, [COUNTS])
    assert status.rebuild.state == "failed" and "no_such_column" in status.rebuild.error
    assert await view(pool) == old
    assert not await pool.fetchval(
        "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname LIKE 'projection_build_%')"
    )


async def test_an_index_that_cannot_be_built_on_the_copy_fails_the_rebuild_with_its_own_error(
    store, pool, database_url, counts_table
):
    # The copies' indexes build on several connections at once: the one that fails is
    # reported as itself, and the others stop.
    old = await given_a_live_projection(store, pool, database_url)
    await pool.execute("CREATE UNIQUE INDEX stream_counts_one_label ON stream_counts (label)")

    with pytest.raises(asyncpg.UniqueViolationError, match="stream_counts_one_label"):
        await rebuild(database_url, COUNTS_V2)  # every event has the same label

    async with pool.acquire() as connection:
        [status] = await projection_statuses(connection, [COUNTS])
    assert status.rebuild.state == "failed"
    assert status.rebuild.error.startswith("UniqueViolationError")
    assert await view(pool) == old
    assert not await pool.fetchval(
        "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname LIKE 'projection_build_%')"
    )
    assert not await pool.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'policy-timeline rebuild%'"
    )


async def test_a_projection_whose_tables_have_foreign_keys_is_not_rebuilt(
    pool, database_url, counts_table
):
    await pool.execute(
        "CREATE TABLE stream_owners (event_id uuid, made_by bigint,"
        " FOREIGN KEY (event_id, made_by) REFERENCES stream_counts (event_id, made_by))"
    )
    with pytest.raises(RebuildNotPossible, match="foreign keys"):
        await Rebuild.begin(database_url, COUNTS)
