"""The live runner of one projection: lead it, then fold the feed from its checkpoint, batch by batch.

Each batch is one short transaction: take the projection's apply lock, read the checkpoint,
read the next events of the gap-safe feed, send the statements the handlers produce, move
the checkpoint. A crash before the commit leaves nothing; after it, everything. So no event
is ever applied twice or lost, whatever happens between batches or inside one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg

from service.projections import connections
from service.projections.base import Projection
from service.projections.checkpoints import (
    Checkpoint,
    advance_checkpoint,
    ensure_checkpoint,
    read_checkpoint,
    record_failure,
)
from service.projections.folding import fold, record_skips, send
from service.projections.locks import apply_key, leader_key, lock_for_transaction, try_lock
from service.store import read_all_on
from service.store.postgres import Notifications

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 60.0
"""The longest wait between attempts after repeated failures."""

AfterBatch = Callable[[int], Awaitable[None]]
"""Called with the number of events read, after each batch that read some has committed."""


async def apply_next_batch(
    connection: asyncpg.Connection, projection: Projection, batch_size: int = DEFAULT_BATCH_SIZE
) -> int:
    """Fold the next events after the checkpoint into the live tables; how many were read."""
    async with connection.transaction():
        # The apply lock comes first, and the checkpoint is read after it: a replay's swap
        # may have moved the checkpoint (and replaced the tables) while this batch waited.
        # Neither statement takes a transaction id, so the feed read still holds back no one.
        await lock_for_transaction(connection, apply_key(projection.name))
        checkpoint = await read_checkpoint(connection, projection.name)
        if checkpoint is None:
            await ensure_checkpoint(connection, projection.name)
            checkpoint = Checkpoint(name=projection.name)
        batch = await read_all_on(connection, checkpoint.cursor, batch_size)
        if not batch:
            return 0
        folded = fold([projection], batch)
        await send(connection, folded.ops)
        await record_skips(connection, folded.skipped)
        await advance_checkpoint(
            connection, checkpoint, batch[-1].cursor, folded.applied, len(folded.skipped)
        )
    return len(batch)


class ProjectionRunner:
    """Keeps one projection current while this process holds its leadership.

    ``run()`` loops until cancelled: connect, try the leader lock every ``retry_interval``
    until it is free, then apply batches, waking on the store's notifications or after
    ``poll_interval``. Any failure closes the connection (which gives up the leadership),
    waits with a growing back-off and starts again.
    """

    def __init__(
        self,
        projection: Projection,
        database_url: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        notify_channel: str = "policy_timeline_events",
        poll_interval: float = 5.0,
        retry_interval: float = 1.0,
        max_backoff: float = MAX_BACKOFF_SECONDS,
        after_batch: AfterBatch | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.projection = projection
        self.database_url = database_url
        self.batch_size = batch_size
        self.notify_channel = notify_channel
        self.poll_interval = poll_interval
        self.retry_interval = retry_interval
        self.max_backoff = max_backoff
        self.after_batch = after_batch
        self._leading = asyncio.Event()
        self._failures = 0

    @property
    def name(self) -> str:
        return self.projection.name

    @property
    def leader(self) -> bool:
        return self._leading.is_set()

    async def wait_until_leader(self) -> None:
        await self._leading.wait()

    async def run(self) -> None:
        while True:
            try:
                await self._connect_and_lead()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failures += 1
                log.error("projection %s stopped: %s; starting again", self.name, describe(error))
            await asyncio.sleep(self._backoff())

    def _backoff(self) -> float:
        if self._failures == 0:
            return self.retry_interval
        return min(self.retry_interval * 2 ** min(self._failures - 1, 10), self.max_backoff)

    async def _connect_and_lead(self) -> None:
        connection = await connections.connect(self.database_url, f"projector {self.name}")
        lost = asyncio.Event()

        def on_lost(_: object) -> None:
            # The server ended the session, and with it the leadership: say so at once.
            self._leading.clear()
            lost.set()

        connection.add_termination_listener(on_lost)
        try:
            while not await try_lock(connection, leader_key(self.name)):
                await asyncio.sleep(self.retry_interval)
            self._leading.set()
            log.info("projection %s: this process leads it", self.name)
            # Outside any batch, so that a failing batch still has a row to report its error in.
            await ensure_checkpoint(connection, self.name)
            async with Notifications(connection, self.notify_channel) as notifications:
                await self._follow(connection, notifications, lost)
        finally:
            self._leading.clear()
            await connections.close(connection)

    async def _follow(
        self, connection: asyncpg.Connection, notifications: Notifications, lost: asyncio.Event
    ) -> None:
        while True:
            try:
                count = await apply_next_batch(connection, self.projection, self.batch_size)
            except Exception as error:
                await self._record(connection, error)
                raise
            self._failures = 0
            if count and self.after_batch is not None:
                await self.after_batch(count)
            if count == self.batch_size:
                continue  # more may be waiting: no need to be told
            await _first_of(
                notifications.wait(self.poll_interval, read_something=count > 0), lost.wait()
            )
            if lost.is_set():
                raise ConnectionError("the connection to the database was lost")

    async def _record(self, connection: asyncpg.Connection, error: Exception) -> None:
        if connection.is_closed():
            return
        try:
            await record_failure(connection, self.name, describe(error))
        except Exception:  # the batch's error is the one worth reporting
            log.debug("could not record the failure of %s", self.name, exc_info=True)


async def _first_of(*waits: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def describe(error: BaseException) -> str:
    """The error, and the one it happened while handling (a rollback on a dead connection
    fails too, and hides why the connection died)."""
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    return f"{text} (while handling {type(cause).__name__}: {cause})" if cause else text
