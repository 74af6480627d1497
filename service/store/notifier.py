"""Wakes subscribers after appends commit, without serialising the appends.

A NOTIFY inside the appending transaction holds PostgreSQL's notification queue lock through
the commit's WAL flush, so concurrent appenders could no longer share disk flushes: with 16
writers the store reached 0.37x the speed of plain inserts (docs/benchmarks.md). Instead, the
store asks this notifier after each commit; it sends one ``pg_notify`` at a time and folds the
appends that commit meanwhile into the next one. A notification lost in a crash is covered by
the subscribers' slow poll.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, pool: asyncpg.Pool, channel: str) -> None:
        self.pool = pool
        self.channel = channel
        self._pending = False
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Note that an append committed; a notification follows soon."""
        self._pending = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        while self._pending:
            self._pending = False
            try:
                await self.pool.execute("SELECT pg_notify($1, '')", self.channel)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("could not notify %s (subscribers will poll): %s", self.channel, error)
                return

    async def flush(self) -> None:
        """Wait until every requested notification is sent (for shutdown and tests)."""
        if self._task is not None:
            await asyncio.shield(self._task)
