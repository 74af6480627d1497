"""The rebuild path: projections rebuilt from the whole log beside the live tables, then swapped.

``Replay.begin`` takes the projections' replay locks (one rebuild of each at a time,
cluster-wide), creates ``projection_build_<name>`` with an empty copy of each table, without
indexes, and registers the rebuild in ``projection_replays``. ``run``:

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
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

import events
from events import AMENDING_TYPES
from service.projections import connections
from service.projections.base import Projection
from service.projections.checkpoints import Checkpoint, record_skips, set_checkpoint
from service.projections.fold import Fold
from service.projections.identifiers import build_schema, quote
from service.projections.locks import (
    apply_key,
    lock_all_for_transaction,
    replay_key,
    try_lock_all,
)
from service.projections.runner import DEFAULT_BATCH_SIZE, as_projections, lookup_kinds
from service.projections.state import FactView, entity_kind
from service.projections.writes import Close, apply_closes, copy_rows, write_live
from service.store import (
    START,
    Cursor,
    count_readable,
    read_all_chunks,
    read_all_on,
    read_events_by_id,
    readable_head,
)

log = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 20_000
"""Events folded in memory between two COPYs of a rebuild."""
_YIELD_EVERY = 1_000
"""Events folded between two chances for the fetch and the COPY in flight to move on."""

ReplayState = Literal["building", "completed", "failed", "interrupted"]



class TablesBusy(Exception):
    """A reader or the live runner held what the swap needs for longer than it waits."""

class ReplayStatus(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    state: ReplayState
    """``interrupted``: the process running it stopped; the next replay starts over."""
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    checkpoint: Cursor
    """How far the rebuild has folded."""
    target: Cursor
    """The end of the readable feed when it began."""
    events_done: int
    events_total: int
    """The events to fold; grows when events arrive faster than the rebuild catches up."""
    events_applied: int
    events_skipped: int
    error: str | None


class ReplayAlreadyRunning(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"a replay of {name!r} is already running")
        self.name = name


class ReplayNotPossible(Exception):
    """The live tables have something a rebuild cannot copy faithfully."""


ProgressHook = Callable[[ReplayStatus], Awaitable[None]]

_COLUMNS = """name, state, started_at, updated_at, finished_at,
    transaction_id::text::bigint, position,
    target_transaction_id::text::bigint, target_position,
    events_done, events_total, events_applied, events_skipped, error"""

_REGISTER = f"""INSERT INTO public.projection_replays
        (name, state, target_transaction_id, target_position, events_total)
    VALUES ($1, 'building', $2::text::xid8, $3, $4)
    ON CONFLICT (name) DO UPDATE SET
        state = 'building', started_at = now(), updated_at = now(), finished_at = NULL,
        transaction_id = '0', position = 0,
        target_transaction_id = excluded.target_transaction_id,
        target_position = excluded.target_position,
        events_done = 0, events_total = excluded.events_total,
        events_applied = 0, events_skipped = 0, error = NULL
    RETURNING {_COLUMNS}"""

_PROGRESS = f"""UPDATE public.projection_replays SET
        transaction_id = $2::text::xid8, position = $3,
        events_done = $4, events_total = greatest(events_total, $4, $5),
        events_applied = $6, events_skipped = $7, updated_at = now()
    WHERE name = $1 RETURNING {_COLUMNS}"""

_FINISH = f"""UPDATE public.projection_replays SET
        state = $2, error = $3, finished_at = now(), updated_at = now(),
        events_total = CASE WHEN $2 = 'completed' THEN events_done ELSE events_total END
    WHERE name = $1 RETURNING {_COLUMNS}"""

_FOREIGN_KEYS = """SELECT conname, conrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND (conrelid = ANY ($1::text[]::regclass[])
                             OR confrelid = ANY ($1::text[]::regclass[]))"""

_GRANTS = """SELECT a.privilege_type, a.is_grantable,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.oid = $1::text::regclass AND a.grantee <> c.relowner"""

# The live table's constraints that own an index (primary key, unique, exclusion) and its other
# indexes, each as a statement to run on the copy, which sits in another schema and may take
# the same names.
_CONSTRAINTS = """SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', $2::text, conname,
                             pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = $1::text::regclass AND contype IN ('p', 'u', 'x')"""
_INDEXES = r"""SELECT regexp_replace(pg_get_indexdef(i.indexrelid),
                          ' ON (ONLY )?\S+ ', ' ON ' || $2::text || ' ')
    FROM pg_index i
    WHERE i.indrelid = $1::text::regclass
      AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)"""


def _status(row: asyncpg.Record, state: ReplayState | None = None) -> ReplayStatus:
    return ReplayStatus(
        name=row[0],
        state=state or row[1],
        started_at=row[2],
        updated_at=row[3],
        finished_at=row[4],
        checkpoint=Cursor(row[5], row[6]),
        target=Cursor(row[7], row[8]),
        events_done=row[9],
        events_total=row[10],
        events_applied=row[11],
        events_skipped=row[12],
        error=row[13],
    )


async def replay_statuses(
    connection: asyncpg.Connection, names: list[str], running: set[str]
) -> dict[str, ReplayStatus]:
    """The latest replay of each projection that had one. ``running``: the names whose
    replay lock is held; a ``building`` replay without it was interrupted."""
    rows = await connection.fetch(
        f"SELECT {_COLUMNS} FROM public.projection_replays WHERE name = ANY ($1::text[])", names
    )
    statuses = {}
    for row in rows:
        interrupted = row[1] == "building" and row[0] not in running
        statuses[row[0]] = _status(row, "interrupted" if interrupted else None)
    return statuses


class Replay:
    """One blue/green rebuild of one or more projections, in one pass over the log."""

    def __init__(
        self,
        connection: asyncpg.Connection,
        database_url: str,
        projections: tuple[Projection, ...],
        status: ReplayStatus,
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
        self.fold = Fold(projections, FactView(lookup_kinds(projections)), release=True)
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
    ) -> Replay:
        """Take the replay locks and prepare empty copies of the tables; nothing is folded yet.

        Raises ``ReplayAlreadyRunning`` when another rebuild of one of them runs anywhere.
        """
        if batch_size < 1 or chunk_size < 1:
            raise ValueError("batch_size and chunk_size must be at least 1")
        projections = as_projections(projections)
        names = [projection.name for projection in projections]
        connection = await connections.connect(database_url, f"replay {', '.join(names)}"[:40])
        try:
            if not await try_lock_all(connection, [replay_key(name) for name in names]):
                raise ReplayAlreadyRunning(", ".join(names))
            for projection in projections:
                await _refuse_foreign_keys(connection, projection)
            status = await _prepare(connection, projections)
        except BaseException:
            await connections.close(connection)
            raise
        log.info("replay of %s: building %d events", ", ".join(names), status.events_total)
        return cls(
            connection,
            database_url,
            projections,
            status,
            batch_size=batch_size,
            chunk_size=chunk_size,
            swap_lock_timeout=swap_lock_timeout,
        )

    async def run(self, on_progress: ProgressHook | None = None) -> ReplayStatus:
        """Build, then swap; the connections are closed at the end, whatever happens."""
        try:
            with _no_garbage_collection():
                await self._bulk(on_progress)
            await self._finish_tables()
            while await self._catch_up(on_progress, swap=False):
                pass
            while await self._catch_up(on_progress, swap=True):
                pass
            log.info("replay of %s: swapped in", ", ".join(self.names))
            return self.status
        except asyncio.CancelledError:
            raise  # reported as interrupted: the replay locks go with the connection
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
        reader = await connections.connect(self.database_url, "replay reader")
        loader = await connections.connect(self.database_url, "replay loader")
        writing: asyncio.Task | None = None
        fetching: asyncio.Future | None = None
        try:
            async with reader.transaction(isolation="repeatable_read", readonly=True):
                chunks = aiter(read_all_chunks(reader, self.cursor, self.chunk_size))
                fetching = asyncio.ensure_future(anext(chunks, None))
                while (chunk := await fetching) is not None:
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
        finally:
            for task in (writing, fetching):
                if task is not None and not task.done():
                    task.cancel()
            await connections.close(reader)
            await connections.close(loader)

    async def _write_chunk(
        self, taken, cursor: Cursor, count: int, on_progress: ProgressHook | None
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
        """Close replaced versions, then build the live tables' indexes on the copies."""
        for projection in self.projections:
            schema = build_schema(projection.name)
            for table in projection.tables:
                closes = self.closes.pop(table, [])
                await apply_closes(self.connection, _unquoted(schema), table, closes)
                copy = f"{schema}.{quote(table)}"
                for query in (_CONSTRAINTS, _INDEXES):
                    for (statement,) in await self.connection.fetch(
                        query, f"public.{quote(table)}", copy
                    ):
                        await self.connection.execute(statement)
                await self.connection.execute(f"ANALYZE {copy}")

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
                    await write_live(connection, tables, _unquoted(build_schema(projection.name)))
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
            log.info("replay of %s: tables busy, trying the swap again", ", ".join(self.names))
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
        the two would be killed as a deadlock (a reader's 500, or a failed replay). Giving up
        first, the swap lets the reader go on, and tries again.
        """
        connection = self.connection
        timeout_ms = int(self.swap_lock_timeout * 1000)
        tables = [f"public.{quote(t)}" for p in self.projections for t in p.tables]
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

    async def _fill_view(self, connection: asyncpg.Connection, batch) -> None:
        """Load from the log the released facts this batch amends or derives again (those that
        look up an entity it amends), and pin them with the facts of the batch they concern.
        A released fact was never amended: its event alone says what it is."""
        view = self.fold.view
        targets: set = set()
        streams: set[str] = set()
        for event in batch:
            if event.type in AMENDING_TYPES:
                targets.add(_target_of(event))
                if entity_kind(event.stream_id) in view.lookup_kinds:
                    streams.add(event.stream_id)
        targets.discard(None)
        self.fold.pin(targets, streams)
        if not targets:
            return
        in_batch = {event.event_id for event in batch}
        wanted = {t for t in targets if view.get(t) is None}
        for stream_id in streams:
            wanted.update(i for i in view.referrer_ids(stream_id) if view.get(i) is None)
        wanted -= in_batch
        if wanted:
            for event in await read_events_by_id(connection, list(wanted)):
                view.load(event)

    def _schema_of(self, table: str) -> str:
        for projection in self.projections:
            if table in projection.tables:
                return _unquoted(build_schema(projection.name))
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
            row = await self.connection.fetchrow(
                _PROGRESS, name, str(self.cursor.transaction_id), self.cursor.position,
                self.done, self.done + remaining, counts.applied, counts.skipped,
            )
            if name == self.projection.name:
                self.status = _status(row)

    async def _swap(self) -> None:
        connection = self.connection
        await self._record_progress()
        for projection in self.projections:
            schema = build_schema(projection.name)
            for table in projection.tables:
                await connection.execute(f"DROP TABLE public.{quote(table)}")
                await connection.execute(f"ALTER TABLE {schema}.{quote(table)} SET SCHEMA public")
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
            row = await connection.fetchrow(_FINISH, projection.name, "completed", None)
            if projection is self.projection:
                self.status = _status(row)
            await connection.execute(f"DROP SCHEMA {schema} CASCADE")

    async def _fail(self, error: Exception) -> None:
        text = f"{type(error).__name__}: {error}"
        log.error("replay of %s failed: %s", ", ".join(self.names), text)
        if self.connection.is_closed():
            return
        try:
            for projection in self.projections:
                row = await self.connection.fetchrow(_FINISH, projection.name, "failed", text)
                if projection is self.projection:
                    self.status = _status(row)
                await self.connection.execute(
                    f"DROP SCHEMA IF EXISTS {build_schema(projection.name)} CASCADE"
                )
        except Exception:
            log.debug("could not record the failed replay of %s", self.names, exc_info=True)


async def replay(
    database_url: str,
    projections: Projection | Sequence[Projection],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_progress: ProgressHook | None = None,
) -> ReplayStatus:
    """Rebuild projections from the whole log and swap them in; the final status."""
    rebuild = await Replay.begin(
        database_url, projections, batch_size=batch_size, chunk_size=chunk_size
    )
    return await rebuild.run(on_progress)


@contextmanager
def _no_garbage_collection():
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


def _target_of(event) -> uuid.UUID | None:
    """The target of an amendment, without decoding (and checking) all of it."""
    try:
        data = events.current_data(event.type, event.schema_version, event.data)
        return uuid.UUID(_target.decode(data)["target"])
    except (msgspec.DecodeError, events.EventError, KeyError, TypeError, ValueError):
        return None  # the fold skips it


def _unquoted(schema: str) -> str:
    return schema.strip('"').replace('""', '"')


async def _refuse_foreign_keys(connection: asyncpg.Connection, projection: Projection) -> None:
    # A copy gets no foreign keys: a rebuilt table would silently lose them.
    tables = [f"public.{quote(table)}" for table in projection.tables]
    rows = await connection.fetch(_FOREIGN_KEYS, tables)
    if rows:
        listed = ", ".join(f"{row[0]} on {row[1]}" for row in rows)
        raise ReplayNotPossible(
            f"projection {projection.name!r} cannot be rebuilt beside its tables: "
            f"foreign keys are not copied ({listed})"
        )


async def _prepare(
    connection: asyncpg.Connection, projections: Sequence[Projection]
) -> ReplayStatus:
    total = await count_readable(connection, START)
    target = await readable_head(connection)
    statuses = []
    async with connection.transaction():
        for projection in projections:
            schema = build_schema(projection.name)
            # A build schema left by an interrupted replay is stale: start over.
            await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            await connection.execute(f"CREATE SCHEMA {schema}")
            for table in projection.tables:
                live, copy = f"public.{quote(table)}", f"{schema}.{quote(table)}"
                # No indexes while it fills: they are built once, at the end.
                await connection.execute(
                    f"CREATE TABLE {copy} (LIKE {live} INCLUDING DEFAULTS INCLUDING GENERATED"
                    " INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS"
                    " INCLUDING CONSTRAINTS)"
                )
                for privilege, grantable, grantee in await connection.fetch(_GRANTS, live):
                    option = " WITH GRANT OPTION" if grantable else ""
                    await connection.execute(f"GRANT {privilege} ON {copy} TO {grantee}{option}")
            await connection.execute(
                "DELETE FROM public.projection_skipped_events WHERE name = $1 AND build",
                projection.name,
            )
            row = await connection.fetchrow(
                _REGISTER, projection.name, str(target.transaction_id), target.position, total
            )
            statuses.append(_status(row))
    return statuses[0]
