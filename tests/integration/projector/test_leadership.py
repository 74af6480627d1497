"""Exactly one process runs the projections; another takes over when it goes away."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from service.projections.projector import Projector
from tests.integration.projector.helpers import COUNTS, caught_up, counts, given_events, until


@pytest.fixture
async def two_projectors(database_url, counts_table) -> AsyncIterator[tuple[Projector, Projector, Counter]]:
    """Two instances of the service's projector on one database, and who applied how many events."""
    applied: Counter = Counter()

    def projector(label: str) -> Projector:
        async def count_applied(count: int) -> None:
            applied[label] += count

        return Projector(
            [COUNTS], database_url, poll_interval=0.2, retry_interval=0.05, after_batch=count_applied
        )

    first, second = projector("first"), projector("second")
    yield first, second, applied
    await first.stop()
    await second.stop()


async def test_only_one_of_two_projectors_applies_and_the_other_takes_over_when_it_stops(
    store, pool, two_projectors
):
    first, second, applied = two_projectors
    await first.start()
    await first.runner.wait_until_leader()
    await second.start()
    await given_events(store, "organization-a", 4)
    await caught_up(store, pool)

    assert first.runner.leader and not second.runner.leader
    assert applied == {"first": 4}
    async with pool.acquire() as connection:
        [status] = await first.status(connection)
    assert status.leader and status.leader_backend_pid is not None

    await first.stop()
    await second.runner.wait_until_leader()
    await given_events(store, "organization-a", 3)
    await given_events(store, "organization-b", 1)
    await caught_up(store, pool)

    assert applied == {"first": 4, "second": 4}
    assert await counts(pool) == {"organization-a": 7, "organization-b": 1}


async def test_when_the_leaders_connection_dies_a_running_instance_leads_and_nothing_is_lost(
    store, pool, two_projectors
):
    first, second, applied = two_projectors
    await first.start()
    await first.runner.wait_until_leader()
    await second.start()
    await given_events(store, "organization-a", 2)
    await caught_up(store, pool)
    async with pool.acquire() as connection:
        [status] = await first.status(connection)

    # The leader's process is gone as far as the database can tell: its session ends.
    await pool.execute("SELECT pg_terminate_backend($1)", status.leader_backend_pid)
    await until(lambda: _led_by_another_backend(pool, first, status.leader_backend_pid))
    await given_events(store, "organization-a", 2)
    await given_events(store, "organization-b", 1)
    await caught_up(store, pool)

    leaders = [p for p in (first, second) if p.runner.leader]
    assert len(leaders) == 1
    assert await counts(pool) == {"organization-a": 4, "organization-b": 1}
    assert sum(applied.values()) == 5


async def _led_by_another_backend(pool, projector: Projector, old_pid: int) -> bool:
    async with pool.acquire() as connection:
        [status] = await projector.status(connection)
    return status.leader_backend_pid not in (None, old_pid)
