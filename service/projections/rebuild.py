"""The rebuild path: projections rebuilt from the whole log beside the live tables, then swapped.

``Rebuild.begin`` takes the projections' rebuild locks (one rebuild of each at a time,
cluster-wide), creates ``projection_build_<name>`` with an empty copy of each table, without
indexes (``build_tables.py``), and registers the rebuild (``rebuild_status.py``). ``run``:

1. reads the log once, through one server-side cursor in a read-only transaction (which holds
   back no feed reader), folds it in memory in bounded chunks with the projections' own
   handlers and a fact view of the whole log, and ``COPY``s each chunk's rows into the copies;
2. closes the versions that later events replaced, builds the indexes and constraints of the
   live tables on the copies and ``ANALYZE``s them;
3. folds the events that arrived meanwhile in short batches, then, in one short transaction
   holding the projections' apply locks (the live runner pauses between batches), folds the
   last ones, drops the live tables, moves the copies into ``public`` and sets the live
   checkpoints to the rebuild's. Readers see the old complete tables until that commit, and
   the new complete ones after it.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import asyncpg
import msgspec

import events
from events import AMENDING_TYPES
from service.projections import connections, rebuild_status, spill
from service.projections.base import DEFAULT_BATCH_SIZE, Projection, as_projections, lookup_kinds
from service.projections.build_tables import (
    copy_of,
    create_copies,
    drop_build_schema,
    index_statements,
    live_table,
    refuse_foreign_keys,
    schema_name,
    swap_in,
)
from service.projections.checkpoints import Checkpoint, record_skips, set_checkpoint
from service.projections.fact_view import FactView, entity_kind
from service.projections.fold import Fold, Skip, Versions
from service.projections.locks import (
    apply_key,
    lock_all_for_transaction,
    rebuild_key,
    try_lock_all,
)
from service.projections.rebuild_status import ProgressHook, RebuildAlreadyRunning, RebuildStatus
from service.projections.writes import Close, apply_closes, copy_rows, write_live
from service.store import (
    START,
    Cursor,
    RecordedEvent,
    count_readable,
    read_all_chunks,
    read_all_on,
    read_events_by_id,
    readable_head,
)

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 5_000
"""Events folded in memory between two COPYs of a rebuild. The chunk sets the rebuild's peak
memory (two are alive at once, the one folded and the one written): at 200k text-heavy events,
156 MB at 5,000 against 427 MB at 20,000, at the same speed (docs/benchmarks.md)."""
_YIELD_EVERY = 1_000
"""Events folded between two chances for the fetch and the COPY in flight to move on."""

INDEX_BUILD_CONNECTIONS = 2
"""Connections that build the copies' indexes side by side at the end of the bulk pass: one
per core of the machines measured (PostgreSQL builds most index types on one core each)."""

INDEX_BUILD_MEMORY = "256MB"
"""``maintenance_work_mem`` of each index-building connection (PostgreSQL's default is 64MB).
A B-tree build whose sort fits in it sorts in memory instead of spilling to disk, and a GIN
build accumulates more entries between flushes. Measured at 1M events: see
docs/benchmarks.md. Two connections may use it at once (a parallel build shares it)."""



class TablesBusy(Exception):
    """A reader or the live runner held what the swap needs for longer than it waits."""


@dataclass(frozen=True)
class _IndexPlan:
    projection: Projection
    table: str
    size: int
    """Bytes of the copy, before its indexes."""
    closes: list[Close]
    constraints: list[str]
    indexes: list[list[str]]


class Rebuild:
    """One blue/green rebuild of one or more projections, in one pass over the log."""

    def __init__(
        self,
        connection: asyncpg.Connection,
        database_url: str,
        projections: tuple[Projection, ...],
        status: RebuildStatus,
        *,
        batch_size: int,
        chunk_size: int,
        swap_lock_timeout: float,
    ) -> None:
        self.connection = connection
        self.database_url = database_url
        self.projections = projections
        self.status = status
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.swap_lock_timeout = swap_lock_timeout
        self.fold = Fold(
            projections, FactView(lookup_kinds(projections)), release=True, spill=True
        )
        self._spills = 0
        self.closes: dict[str, list[Close]] = {}
        self.cursor = START
        self.done = 0

    @property
    def projection(self) -> Projection:
        return self.projections[0]

    @property
    def names(self) -> list[str]:
        return [projection.name for projection in self.projections]

    @classmethod
    async def begin(
        cls,
        database_url: str,
        projections: Projection | Sequence[Projection],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        swap_lock_timeout: float = 5.0,
    ) -> Rebuild:
        """Take the rebuild locks and prepare empty copies of the tables; nothing is folded yet.

        Raises ``RebuildAlreadyRunning`` when another rebuild of one of them runs anywhere.
        """
        if batch_size < 1 or chunk_size < 1:
            raise ValueError("batch_size and chunk_size must be at least 1")
        projections = as_projections(projections)
        names = [projection.name for projection in projections]
        connection = await connections.connect(database_url, f"rebuild {', '.join(names)}"[:40])
        try:
            if not await try_lock_all(connection, [rebuild_key(name) for name in names]):
                raise RebuildAlreadyRunning(", ".join(names))
            for projection in projections:
                await refuse_foreign_keys(connection, projection)
            status = await _prepare(connection, projections)
        except BaseException:
            await connections.close(connection)
            raise
        log.info("rebuild of %s: %d events to fold", ", ".join(names), status.events_total)
        return cls(
            connection,
            database_url,
            projections,
            status,
            batch_size=batch_size,
            chunk_size=chunk_size,
            swap_lock_timeout=swap_lock_timeout,
        )

    async def run(self, on_progress: ProgressHook | None = None) -> RebuildStatus:
        """Build, then swap; the connections are closed at the end, whatever happens."""
        try:
            with _no_garbage_collection():
                await self._bulk(on_progress)
            await self._finish_tables()
            while await self._catch_up(on_progress, swap=False):
                pass
            while await self._catch_up(on_progress, swap=True):
                pass
            log.info("rebuild of %s: swapped in", ", ".join(self.names))
            return self.status
        except asyncio.CancelledError:
            raise  # reported as interrupted: the rebuild locks go with the connection
        except Exception as error:
            await self._fail(error)
            raise
        finally:
            await connections.close(self.connection)

    async def _bulk(self, on_progress: ProgressHook | None) -> None:
        """One cursor over the readable log; each chunk folded, then COPYed.

        Three things overlap: the next chunk is fetched and the previous one is written while
        this one is folded (the fold yields now and then so they can move on). PostgreSQL
        reads and writes on its own core while Python folds on the other.
        """
        reader = await connections.connect(self.database_url, "rebuild reader")
        loader = await connections.connect(self.database_url, "rebuild loader")
        writing: asyncio.Future[None] | None = None
        fetching: asyncio.Future[list[RecordedEvent] | None] | None = None
        try:
            async with reader.transaction(isolation="repeatable_read", readonly=True):
                chunks = aiter(read_all_chunks(reader, self.cursor, self.chunk_size))
                fetching = asyncio.ensure_future(anext(chunks, None))
                while (chunk := await fetching) is not None:
                    await self._spill(loader)
                    await self._fill_view(loader, chunk)
                    fetching = asyncio.ensure_future(anext(chunks, None))
                    for number, event in enumerate(chunk, 1):
                        self.fold.apply(event)
                        if number % _YIELD_EVERY == 0:
                            await asyncio.sleep(0)
                    self.fold.unpin()
                    if writing is not None:
                        await writing
                    taken = self.fold.take()
                    writing = asyncio.ensure_future(
                        self._write_chunk(taken, chunk[-1].cursor, len(chunk), on_progress)
                    )
                if writing is not None:
                    await writing
                await self._spill(loader)
            # The catch-up folds in transactions that may roll back: it keeps what it amends.
            self.fold.spill = False
        finally:
            for task in (writing, fetching):
                if task is not None and not task.done():
                    task.cancel()
            await connections.close(reader)
            await connections.close(loader)

    async def _write_chunk(
        self, taken: tuple[dict[str, Versions], list[Skip]], cursor: Cursor, count: int, on_progress: ProgressHook | None
    ) -> None:
        versions, skipped = taken
        # Each COPY is its own transaction: a write holds a transaction id, and with it every
        # feed reader of the cluster, only for as long as one table's rows of one chunk take.
        for table in versions.values():
            await copy_rows(self.connection, table, self._schema_of(table.table))
            self.closes.setdefault(table.table, []).extend(
                (event_id, before, at) for event_id, (before, at) in table.closes.items()
            )
        await record_skips(self.connection, skipped, build=True)
        self.cursor = cursor
        self.done += count
        await self._progress(on_progress)

    async def _finish_tables(self) -> None:
        """Close replaced versions, then build the live tables' constraints and indexes on the
        copies and ``ANALYZE`` them, over ``INDEX_BUILD_CONNECTIONS`` connections.

        A table's steps are its closes, then its constraints (``ALTER TABLE``, which locks the
        copy), then its other indexes (``CREATE INDEX``: several may build side by side on one
        table), then ``ANALYZE`` (last, so that expression indexes get statistics too). A free
        connection takes the next step that can run, of the largest table first: the builds
        end with the largest table's indexes spread over every connection rather than waiting
        behind the small tables'. Each step is its own short transaction, as before.
        """
        started = time.monotonic()
        plans = await self._index_plans()
        extra = []
        try:
            for _ in range(INDEX_BUILD_CONNECTIONS - 1):
                extra.append(await connections.connect(self.database_url, "rebuild indexes"))
            lanes = _Lanes([self.connection, *extra])
            for connection in lanes.all:
                await connection.execute(f"SET maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            try:
                async with asyncio.TaskGroup() as group:
                    for rank, plan in enumerate(plans):
                        group.create_task(self._finish_table(lanes, rank, plan))
            except ExceptionGroup as failed:
                raise _first_error(failed) from None  # reported as itself, as before
            await self.connection.execute("RESET maintenance_work_mem")
        finally:
            for connection in extra:
                await connections.close(connection)
        log.info(
            "rebuild of %s: %d tables indexed in %.1f s",
            ", ".join(self.names), len(plans), time.monotonic() - started,
        )

    async def _index_plans(self) -> list[_IndexPlan]:
        """What each copy needs, largest copy first."""
        tables = [(p, t) for p in self.projections for t in p.tables]
        sizes = await self.connection.fetch(
            "SELECT pg_table_size(copy::regclass) FROM unnest($1::text[]) AS copy",
            [copy_of(p, t) for p, t in tables],
        )
        plans = []
        for (projection, table), (size,) in zip(tables, sizes, strict=True):
            constraints, indexes = await index_statements(self.connection, projection, table)
            plans.append(
                _IndexPlan(
                    projection=projection,
                    table=table,
                    size=size,
                    closes=self.closes.pop(table, []),
                    constraints=constraints,
                    indexes=indexes,
                )
            )
        return sorted(plans, key=lambda plan: -plan.size)

    async def _finish_table(self, lanes: _Lanes, rank: int, plan: _IndexPlan) -> None:
        async with lanes.use(rank) as connection:
            await apply_closes(connection, schema_name(plan.projection), plan.table, plan.closes)
            for statement in plan.constraints:
                await connection.execute(statement)

        async def build(statements: list[str]) -> None:
            async with lanes.use(rank) as connection:
                for statement in statements:
                    await connection.execute(statement)

        async with asyncio.TaskGroup() as group:
            for statements in plan.indexes:
                group.create_task(build(statements))
        async with lanes.use(rank) as connection:
            await connection.execute(f"ANALYZE {copy_of(plan.projection, plan.table)}")

    async def _catch_up(self, on_progress: ProgressHook | None, *, swap: bool) -> bool:
        """Fold one batch of what arrived since into the indexed copies, in its own short
        transaction; when swapping and caught up, swap. Whether to take another step."""
        connection = self.connection
        try:
            async with connection.transaction():
                if swap:
                    await self._lock_for_swap()
                batch = await read_all_on(connection, self.cursor, self.batch_size)
                await self._fill_view(connection, batch)
                for event in batch:
                    self.fold.apply(event)
                self.fold.unpin()
                versions, skipped = self.fold.take()
                for projection in self.projections:
                    tables = {t: versions[t] for t in projection.tables}
                    await write_live(connection, tables, schema_name(projection))
                await record_skips(connection, skipped, build=True)
                if batch:
                    self.cursor = batch[-1].cursor
                    self.done += len(batch)
                caught_up = len(batch) < self.batch_size
                if swap and caught_up:
                    await self._swap()
                else:
                    await self._record_progress()
        except TablesBusy:
            log.info("rebuild of %s: tables busy, trying the swap again", ", ".join(self.names))
            await asyncio.sleep(min(self.swap_lock_timeout, 1.0))
            return True
        if on_progress is not None:
            await on_progress(self.status)
        return not caught_up  # when swapping, caught up means swapped

    async def _lock_for_swap(self) -> None:
        """Take what the swap needs before the batch is folded, so that giving up loses
        nothing: the live runner's apply locks, then every live table the swap drops.

        A reader holding a live table for long must not stall the swap (and every reader
        queued behind it), so each wait is bounded. The tables are taken in one statement
        that gives up within half the server's ``deadlock_timeout``: a reader may hold one of
        them and then ask for another that the swap holds, and waiting on each other, one of
        the two would be killed as a deadlock (a reader's 500, or a failed rebuild). Giving up
        first, the swap lets the reader go on, and tries again.
        """
        connection = self.connection
        timeout_ms = int(self.swap_lock_timeout * 1000)
        tables = [live_table(t) for p in self.projections for t in p.tables]
        try:
            await connection.execute(f"SET LOCAL lock_timeout = {timeout_ms}")
            await lock_all_for_transaction(connection, [apply_key(name) for name in self.names])
            deadlock_ms = await connection.fetchval(
                "SELECT setting::int FROM pg_settings WHERE name = 'deadlock_timeout'"
            )
            previous = await connection.fetchval("SHOW statement_timeout")
            wait_ms = max(1, min(timeout_ms, deadlock_ms // 2))
            await connection.execute(f"SET LOCAL statement_timeout = {wait_ms}")
            await connection.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            await connection.execute("SELECT set_config('statement_timeout', $1, true)", previous)
        except (asyncpg.LockNotAvailableError, asyncpg.QueryCanceledError) as busy:
            raise TablesBusy from busy

    async def _fill_view(
        self, connection: asyncpg.Connection, batch: Sequence[RecordedEvent]
    ) -> None:
        """Load from the log the released facts this batch amends or derives again (those that
        look up an entity it amends), and pin them with the facts of the batch they concern.
        A released fact was spilled if it was amended (``spill.py``), else its event alone
        says what it is."""
        view = self.fold.view
        targets: set[uuid.UUID] = set()
        streams: set[str] = set()
        for event in batch:
            if event.type in AMENDING_TYPES:
                if (target := _target_of(event)) is not None:
                    targets.add(target)
                if entity_kind(event.stream_id) in view.lookup_kinds:
                    streams.add(event.stream_id)
        self.fold.pin(targets, streams)
        if not targets:
            return
        in_batch = {event.event_id for event in batch}
        wanted = {t for t in targets if view.get(t) is None}
        for stream_id in streams:
            wanted.update(i for i in view.referrer_ids(stream_id) if view.get(i) is None)
        wanted -= in_batch
        if wanted:
            for fact in await spill.read(connection, self._spill_schema, wanted):
                view.reload(fact)
                wanted.discard(fact.event_id)
        if wanted:
            for event in await read_events_by_id(connection, list(wanted)):
                view.load(event)

    async def _spill(self, connection: asyncpg.Connection) -> None:
        """Write the amended facts the fold released, before the next chunk may need them
        (on the connection that reads them back, in order)."""
        self._spills += 1
        await spill.write(connection, self._spill_schema, self.fold.take_spilled(), self._spills)

    @property
    def _spill_schema(self) -> str:
        return schema_name(self.projection)

    def _schema_of(self, table: str) -> str:
        for projection in self.projections:
            if table in projection.tables:
                return schema_name(projection)
        raise KeyError(table)

    async def _progress(self, on_progress: ProgressHook | None) -> None:
        await self._record_progress()
        if on_progress is not None:
            await on_progress(self.status)

    async def _record_progress(self) -> None:
        remaining = 0
        if self.done >= self.status.events_total:
            remaining = await count_readable(self.connection, self.cursor)
        for name in self.names:
            counts = self.fold.counts[name]
            status = await rebuild_status.record_progress(
                self.connection, name, self.cursor, done=self.done,
                total=self.done + remaining, applied=counts.applied, skipped=counts.skipped,
            )  # fmt: skip
            if name == self.projection.name:
                self.status = status

    async def _swap(self) -> None:
        connection = self.connection
        await self._record_progress()
        for projection in self.projections:
            await swap_in(connection, projection)
            counts = self.fold.counts[projection.name]
            await set_checkpoint(
                connection,
                Checkpoint(
                    name=projection.name,
                    cursor=self.cursor,
                    events_applied=counts.applied,
                    events_skipped=counts.skipped,
                ),
            )
            await connection.execute(
                "DELETE FROM public.projection_skipped_events WHERE name = $1 AND NOT build",
                projection.name,
            )
            await connection.execute(
                "UPDATE public.projection_skipped_events SET build = false"
                " WHERE name = $1 AND build",
                projection.name,
            )
            status = await rebuild_status.finish(connection, projection.name, "completed")
            if projection is self.projection:
                self.status = status
            await drop_build_schema(connection, projection)

    async def _fail(self, error: Exception) -> None:
        text = f"{type(error).__name__}: {error}"
        log.error("rebuild of %s failed: %s", ", ".join(self.names), text)
        if self.connection.is_closed():
            return
        try:
            for projection in self.projections:
                status = await rebuild_status.finish(self.connection, projection.name, "failed", text)
                if projection is self.projection:
                    self.status = status
                await drop_build_schema(self.connection, projection)
        except Exception:
            log.debug("could not record the failed rebuild of %s", self.names, exc_info=True)


async def rebuild(
    database_url: str,
    projections: Projection | Sequence[Projection],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_progress: ProgressHook | None = None,
) -> RebuildStatus:
    """Rebuild projections from the whole log and swap them in; the final status."""
    started = await Rebuild.begin(
        database_url, projections, batch_size=batch_size, chunk_size=chunk_size
    )
    return await started.run(on_progress)


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """The fold allocates millions of objects and frees few: the cyclic collector would scan
    them over and over for nothing (a third of a rebuild's time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_target = msgspec.json.Decoder(dict)


def _target_of(event: RecordedEvent) -> uuid.UUID | None:
    """The target of an amendment, without decoding (and checking) all of it."""
    try:
        data = events.current_data(event.type, event.schema_version, event.data)
        return uuid.UUID(_target.decode(data)["target"])
    except (msgspec.DecodeError, events.EventError, KeyError, TypeError, ValueError):
        return None  # the fold skips it


async def _prepare(
    connection: asyncpg.Connection, projections: Sequence[Projection]
) -> RebuildStatus:
    total = await count_readable(connection, START)
    target = await readable_head(connection)
    statuses = []
    async with connection.transaction():
        for projection in projections:
            await create_copies(connection, projection)
            if projection is projections[0]:
                await spill.create(connection, schema_name(projection))
            await connection.execute(
                "DELETE FROM public.projection_skipped_events WHERE name = $1 AND build",
                projection.name,
            )
            statuses.append(
                await rebuild_status.register(connection, projection.name, target, total)
            )
    return statuses[0]


def _first_error(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


class _Lanes:
    """A few connections, each lent to one step at a time: to the waiting step of the lowest
    rank (the largest table) first, then in the order they asked."""

    def __init__(self, connections: list[asyncpg.Connection]) -> None:
        self.all = tuple(connections)
        self._free = list(connections)
        self._waiting: list[tuple[int, int, asyncio.Future[asyncpg.Connection]]] = []
        self._asked = itertools.count()

    @asynccontextmanager
    async def use(self, rank: int) -> AsyncIterator[asyncpg.Connection]:
        if self._free and not self._waiting:
            connection = self._free.pop()
        else:
            lent = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (rank, next(self._asked), lent))
            try:
                connection = await lent
            except asyncio.CancelledError:
                if lent.done() and not lent.cancelled():
                    self._give_back(lent.result())
                raise
        try:
            yield connection
        finally:
            self._give_back(connection)

    def _give_back(self, connection: asyncpg.Connection) -> None:
        while self._waiting:
            _, _, lent = heapq.heappop(self._waiting)
            if not lent.done():
                lent.set_result(connection)
                return
        self._free.append(connection)
