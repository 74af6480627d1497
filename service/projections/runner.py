"""The live path: one feed reader folds each batch of the log once, for every projection.

Each batch is one short transaction: take the projections' apply locks, read their
checkpoints, read the next events of the gap-safe feed after the earliest of them, load the
facts the batch needs (``loading.py``), fold, write the versions set-based (``writes.py``) and
move every checkpoint. A crash before the commit leaves nothing; after it, everything. So no
event is ever applied twice or lost, whatever happens between batches or inside one.

A projection whose checkpoint is ahead of the others (a rebuild swapped it in) skips the
events it already has; the fact view still folds them.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from service.projections import connections
from service.projections.base import DEFAULT_BATCH_SIZE, Projection, as_projections, lookup_kinds
from service.projections.checkpoints import (
    Checkpoint,
    advance_checkpoints,
    read_checkpoints,
    record_failure,
    record_skips,
)
from service.projections.fold import Fold
from service.projections.identifiers import quote
from service.projections.loading import load_view
from service.projections.locks import apply_key, leader_key, lock_all_for_transaction, try_lock_all
from service.projections.rebuild import rebuild
from service.projections.writes import write_live
from service.store import read_all_on
from service.store.postgres import Notifications

log = logging.getLogger(__name__)

FACTS = "facts"
"""The projection whose table the live path reads back as every projection's fact view."""

MAX_BACKOFF_SECONDS = 5.0
"""The longest wait between attempts after repeated failures: a database back from an outage
is folded again within seconds."""

ANALYZE_EVERY = 50_000
"""Events the runner folds between two ANALYZEs of its tables: they grow from nothing, and
autovacuum may be off or behind; plans made without statistics can scan whole indexes."""

AfterBatch = Callable[[int], Awaitable[None]]
"""Called with the number of events read, after each batch that read some has committed."""


async def apply_next_batch(
    connection: asyncpg.Connection,
    projections: Projection | Sequence[Projection],
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Fold the next events after the checkpoints into the live tables; how many were read."""
    projections = as_projections(projections)
    names = [projection.name for projection in projections]
    async with connection.transaction():
        # The apply locks come first, and the checkpoints are read after them: a rebuild's
        # swap may have moved a checkpoint (and replaced the tables) while this batch waited.
        # Neither takes a transaction id, so the feed read still holds back no one.
        await lock_all_for_transaction(connection, [apply_key(name) for name in names])
        checkpoints = await read_checkpoints(connection, names)
        start = min(checkpoint.cursor for checkpoint in checkpoints.values())
        batch = await read_all_on(connection, start, batch_size)
        if not batch:
            return 0
        view, decoded = await load_view(connection, batch, lookup_kinds(projections))
        fold = Fold(projections, view)
        for event in batch:
            cursor = event.cursor
            fold.apply(
                event,
                lambda projection: cursor > checkpoints[projection.name].cursor,  # noqa: B023 (called now)
                decoded.get(event.event_id),
            )
        versions, skipped = fold.take()
        await write_live(connection, versions)
        await record_skips(connection, skipped)
        counts = {name: (c.applied, c.skipped) for name, c in fold.counts.items()}
        behind = [c for c in checkpoints.values() if c.cursor < batch[-1].cursor]
        await advance_checkpoints(connection, behind, batch[-1].cursor, counts)
    return len(batch)


class ProjectionRunner:
    """Keeps projections current while this process holds their leadership.

    ``run()`` loops until cancelled: connect, try the leader locks every ``retry_interval``
    until they are free, then apply batches, waking on the store's notifications or after
    ``poll_interval``. Any failure closes the connection (which gives up the leadership),
    waits a short, capped and jittered back-off, and starts again.
    """

    def __init__(
        self,
        projections: Projection | Sequence[Projection],
        database_url: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        notify_channel: str = "policy_timeline_events",
        poll_interval: float = 5.0,
        retry_interval: float = 0.5,
        max_backoff: float = MAX_BACKOFF_SECONDS,
        after_batch: AfterBatch | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.projections = as_projections(projections)
        self.database_url = database_url
        self.batch_size = batch_size
        self.notify_channel = notify_channel
        self.poll_interval = poll_interval
        self.retry_interval = retry_interval
        self.max_backoff = max_backoff
        self.after_batch = after_batch
        self._leading = asyncio.Event()
        self._failures = 0
        self._since_analyze = 0

    @property
    def name(self) -> str:
        return ", ".join(projection.name for projection in self.projections)

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
                log.error("projections %s stopped: %s; starting again", self.name, describe(error))
            await asyncio.sleep(self._backoff())

    def _backoff(self) -> float:
        """Doubling from ``retry_interval`` up to ``max_backoff``, less up to half at random,
        so that instances coming back from the same outage do not retry in step."""
        if self._failures == 0:
            return self.retry_interval
        ceiling = min(self.retry_interval * 2 ** min(self._failures - 1, 10), self.max_backoff)
        return ceiling * random.uniform(0.5, 1.0)

    async def _connect_and_lead(self) -> None:
        connection = await connections.connect(self.database_url, "projector")
        lost = asyncio.Event()

        def on_lost(_: object) -> None:
            # The server ended the session, and with it the leadership: say so at once.
            self._leading.clear()
            lost.set()

        connection.add_termination_listener(on_lost)
        try:
            keys = [leader_key(projection.name) for projection in self.projections]
            while not await try_lock_all(connection, keys):
                await asyncio.sleep(self.retry_interval)
            self._failures = 0
            self._leading.set()
            log.info("projections %s: this process leads them", self.name)
            # Outside any batch, so that a failing batch still has rows to report its error in.
            checkpoints = await read_checkpoints(connection, [p.name for p in self.projections])
            await self._rebuild_lagging(checkpoints)
            async with Notifications(connection, self.notify_channel) as notifications:
                await self._follow(connection, notifications, lost)
        finally:
            self._leading.clear()
            await connections.close(connection)

    async def _rebuild_lagging(self, checkpoints: dict[str, Checkpoint]) -> None:
        """A projection behind ``facts`` (one added since) cannot be folded live: the live path
        reads the fact view back from ``facts``, which would be ahead of the events it folds.
        It is rebuilt from the log instead, and then follows with the others."""
        facts = checkpoints.get(FACTS)
        if facts is None:
            return
        lagging = [p for p in self.projections if checkpoints[p.name].cursor < facts.cursor]
        if lagging:
            names = ", ".join(p.name for p in lagging)
            log.warning("projections %s are behind facts: rebuilding them from the log", names)
            await rebuild(self.database_url, lagging, batch_size=self.batch_size)

    async def _follow(
        self, connection: asyncpg.Connection, notifications: Notifications, lost: asyncio.Event
    ) -> None:
        while True:
            try:
                count = await apply_next_batch(connection, self.projections, self.batch_size)
            except Exception as error:
                await self._record(connection, error)
                raise
            self._failures = 0
            self._since_analyze += count
            if self._since_analyze >= ANALYZE_EVERY:
                await self._analyze(connection)
            if count and self.after_batch is not None:
                await self.after_batch(count)
            if count == self.batch_size:
                continue  # more may be waiting: no need to be told
            await _first_of(
                notifications.wait(self.poll_interval, read_something=count > 0), lost.wait()
            )
            if lost.is_set():
                raise ConnectionError("the connection to the database was lost")

    async def _analyze(self, connection: asyncpg.Connection) -> None:
        """Fresh statistics for every table, each its own short transaction (one long one would
        hold back every feed reader)."""
        self._since_analyze = 0
        for projection in self.projections:
            for table in projection.tables:
                await connection.execute(f"ANALYZE {quote(table)}")

    async def _record(self, connection: asyncpg.Connection, error: Exception) -> None:
        if connection.is_closed():
            return
        try:
            for projection in self.projections:
                await record_failure(connection, projection.name, describe(error))
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
