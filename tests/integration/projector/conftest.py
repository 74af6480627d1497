"""Fixtures of the projector tests: the test projection's table and runners that clean up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from service.projections.base import Projection
from service.projections.runner import ProjectionRunner
from service.settings import Settings
from tests.integration.projector.helpers import COUNTS, COUNTS_INDEX, COUNTS_TABLE


@pytest.fixture
async def counts_table(pool: asyncpg.Pool) -> None:
    """The test projection's table, in public, where a migration would have put it."""
    await pool.execute(COUNTS_TABLE)
    await pool.execute(COUNTS_INDEX)


class Running:
    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner
        self.task = asyncio.create_task(runner.run())

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


@pytest.fixture
async def start_runner(
    database_url: str, settings: Settings, counts_table: None
) -> AsyncIterator[Callable[..., Running]]:
    """Start a runner task (the test projection by default); every one is stopped after the test."""
    started: list[Running] = []

    def start(projection: Projection = COUNTS, **options: object) -> Running:
        options = {
            "notify_channel": settings.notify_channel,
            "poll_interval": 0.5,
            "retry_interval": 0.05,
            "max_backoff": 0.5,
            **options,
        }
        running = Running(ProjectionRunner(projection, database_url, **options))
        started.append(running)
        return running

    yield start
    for running in started:
        await running.stop()
