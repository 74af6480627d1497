"""Blue/green rebuild: fold the whole log into new tables beside the live ones, then swap.

``Replay.begin`` takes the projection's replay lock (one rebuild at a time, cluster-wide),
creates ``projection_build_<name>`` with a copy of each table (``LIKE ... INCLUDING ALL``)
and registers the rebuild in ``projection_replays``. ``run`` folds the log from the start
into the copies, one short transaction per batch (``search_path`` = build schema, public,
so the handlers' unqualified names hit the copies), moving the rebuild's own cursor and
progress in the same transaction. Once caught up, one short transaction takes the
projection's apply lock (the live runner pauses between batches), folds the last events,
drops the live tables, moves the copies into ``public``, sets the live checkpoint to the
rebuild's and drops the build schema. Readers see the old complete tables until that
commit, and the new complete ones after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from service.projections import connections
from service.projections.base import Projection
from service.projections.checkpoints import Checkpoint, set_checkpoint
from service.projections.folding import fold, record_skips, send
from service.projections.identifiers import build_schema, quote
from service.projections.locks import apply_key, lock_for_transaction, replay_key, try_lock
from service.projections.runner import DEFAULT_BATCH_SIZE
from service.store import START, Cursor, read_all_on

log = logging.getLogger(__name__)

ReplayState = Literal["building", "completed", "failed", "interrupted"]


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
        events_done = events_done + $4,
        events_total = greatest(events_total, events_done + $4),
        events_applied = events_applied + $5, events_skipped = events_skipped + $6,
        updated_at = now()
    WHERE name = $1 RETURNING {_COLUMNS}"""

_FINISH = f"""UPDATE public.projection_replays SET
        state = $2, error = $3, finished_at = now(), updated_at = now(),
        events_total = CASE WHEN $2 = 'completed' THEN events_done ELSE events_total END
    WHERE name = $1 RETURNING {_COLUMNS}"""

_RECOUNT = f"""UPDATE public.projection_replays SET events_total = events_done + $2
    WHERE name = $1 RETURNING {_COLUMNS}"""

# The readable feed: what a reader starting now would fold, and where it would end.
_READABLE = """SELECT count(*),
        (SELECT ARRAY[transaction_id::text::bigint, position] FROM events
          WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1)
    FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())"""

_READABLE_AFTER = """SELECT count(*) FROM events
    WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())"""

_FOREIGN_KEYS = """SELECT conname, conrelid::regclass::text FROM pg_constraint
    WHERE contype = 'f' AND (conrelid = ANY ($1::text[]::regclass[])
                             OR confrelid = ANY ($1::text[]::regclass[]))"""

_GRANTS = """SELECT a.privilege_type, a.is_grantable,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    LEFT JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.oid = $1::text::regclass AND a.grantee <> c.relowner"""

# An index's definition without its own name and its table's: how a copy made by LIKE is
# matched with the original, whose name (chosen by a migration) the copy must take over.
_INDEXES = r"""SELECT c.relname, i.indisprimary,
        regexp_replace(pg_get_indexdef(i.indexrelid),
                       '^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ ', '\1')
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = $1::text::regclass ORDER BY c.relname"""


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
    """One blue/green rebuild of one projection, on a connection of its own."""

    def __init__(
        self,
        connection: asyncpg.Connection,
        projection: Projection,
        status: ReplayStatus,
        *,
        batch_size: int,
        swap_lock_timeout: float,
    ) -> None:
        self.connection = connection
        self.projection = projection
        self.status = status
        self.batch_size = batch_size
        self.swap_lock_timeout = swap_lock_timeout
        self.schema = build_schema(projection.name)

    @classmethod
    async def begin(
        cls,
        database_url: str,
        projection: Projection,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        swap_lock_timeout: float = 5.0,
    ) -> Replay:
        """Take the replay lock and prepare empty copies of the tables; nothing is folded yet.

        Raises ``ReplayAlreadyRunning`` when another rebuild of this projection runs anywhere.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        connection = await connections.connect(database_url, f"replay {projection.name}")
        try:
            if not await try_lock(connection, replay_key(projection.name)):
                raise ReplayAlreadyRunning(projection.name)
            await _refuse_foreign_keys(connection, projection)
            status = await _prepare(connection, projection)
            await connection.execute(f"SET search_path = {build_schema(projection.name)}, public")
        except BaseException:
            await connections.close(connection)
            raise
        log.info("replay of %s: building %d events", projection.name, status.events_total)
        return cls(
            connection,
            projection,
            status,
            batch_size=batch_size,
            swap_lock_timeout=swap_lock_timeout,
        )

    async def run(self, on_progress: ProgressHook | None = None) -> ReplayStatus:
        """Build, then swap; the connection is closed at the end, whatever happens."""
        try:
            while await self._step(on_progress, swap=False):
                pass
            for table in self.projection.tables:
                await self.connection.execute(f"ANALYZE {self.schema}.{quote(table)}")
            while await self._step(on_progress, swap=True):
                pass
            log.info("replay of %s: swapped in", self.projection.name)
            return self.status
        except asyncio.CancelledError:
            raise  # reported as interrupted: the replay lock goes with the connection
        except Exception as error:
            await self._fail(error)
            raise
        finally:
            await connections.close(self.connection)

    async def _step(self, on_progress: ProgressHook | None, *, swap: bool) -> bool:
        """Fold one batch in its own transaction; whether to take another step."""
        try:
            async with self.connection.transaction():
                if swap:
                    # A reader holding a live table for long must not stall the swap (and
                    # every reader queued behind it): give up and try again instead.
                    timeout_ms = int(self.swap_lock_timeout * 1000)
                    await self.connection.execute(f"SET LOCAL lock_timeout = {timeout_ms}")
                    await lock_for_transaction(self.connection, apply_key(self.projection.name))
                count, status = await self._fold_next()
                caught_up = count < self.batch_size
                if swap and caught_up:
                    status = await self._swap(status)
        except asyncpg.LockNotAvailableError:
            log.info("replay of %s: tables busy, trying the swap again", self.projection.name)
            await asyncio.sleep(min(self.swap_lock_timeout, 1.0))
            return True
        if not caught_up and status.events_done >= status.events_total:
            status = await self._recount(status)
        self.status = status
        if on_progress is not None:
            await on_progress(status)
        return not caught_up  # when swapping, caught up means swapped

    async def _fold_next(self) -> tuple[int, ReplayStatus]:
        batch = await read_all_on(self.connection, self.status.checkpoint, self.batch_size)
        if not batch:
            return 0, self.status
        folded = fold([self.projection], batch)
        await send(self.connection, folded.ops)
        await record_skips(self.connection, folded.skipped, build=True)
        last = batch[-1].cursor
        row = await self.connection.fetchrow(
            _PROGRESS,
            self.projection.name,
            str(last.transaction_id),
            last.position,
            len(batch),
            folded.applied,
            len(folded.skipped),
        )
        return len(batch), _status(row)

    async def _recount(self, status: ReplayStatus) -> ReplayStatus:
        remaining = await self.connection.fetchval(
            _READABLE_AFTER, str(status.checkpoint.transaction_id), status.checkpoint.position
        )
        return _status(await self.connection.fetchrow(_RECOUNT, status.name, remaining))

    async def _swap(self, status: ReplayStatus) -> ReplayStatus:
        connection, name = self.connection, self.projection.name
        for table in self.projection.tables:
            live = f"public.{quote(table)}"
            index_names = await connection.fetch(_INDEXES, live)
            await connection.execute(f"DROP TABLE {live}")
            await connection.execute(f"ALTER TABLE {self.schema}.{quote(table)} SET SCHEMA public")
            await _keep_index_names(connection, live, index_names)
        await set_checkpoint(
            connection,
            Checkpoint(
                name=name,
                cursor=status.checkpoint,
                events_applied=status.events_applied,
                events_skipped=status.events_skipped,
            ),
        )
        await connection.execute(
            "DELETE FROM public.projection_skipped_events WHERE name = $1 AND NOT build", name
        )
        await connection.execute(
            "UPDATE public.projection_skipped_events SET build = false WHERE name = $1 AND build",
            name,
        )
        row = await connection.fetchrow(_FINISH, name, "completed", None)
        await connection.execute(f"DROP SCHEMA {self.schema} CASCADE")
        return _status(row)

    async def _fail(self, error: Exception) -> None:
        text = f"{type(error).__name__}: {error}"
        log.error("replay of %s failed: %s", self.projection.name, text)
        if self.connection.is_closed():
            return
        try:
            row = await self.connection.fetchrow(_FINISH, self.projection.name, "failed", text)
            self.status = _status(row)
            await self.connection.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        except Exception:
            log.debug("could not record the failed replay of %s", self.projection.name, exc_info=True)


async def replay(
    database_url: str,
    projection: Projection,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressHook | None = None,
) -> ReplayStatus:
    """Rebuild a projection from the whole log and swap it in; the final status."""
    rebuild = await Replay.begin(database_url, projection, batch_size=batch_size)
    return await rebuild.run(on_progress)


async def _refuse_foreign_keys(connection: asyncpg.Connection, projection: Projection) -> None:
    # LIKE copies no foreign keys: a rebuilt table would silently lose them.
    tables = [f"public.{quote(table)}" for table in projection.tables]
    rows = await connection.fetch(_FOREIGN_KEYS, tables)
    if rows:
        listed = ", ".join(f"{row[0]} on {row[1]}" for row in rows)
        raise ReplayNotPossible(
            f"projection {projection.name!r} cannot be rebuilt beside its tables: "
            f"foreign keys are not copied ({listed})"
        )


async def _prepare(connection: asyncpg.Connection, projection: Projection) -> ReplayStatus:
    total, head = await connection.fetchrow(_READABLE)
    target = Cursor(*head) if head else START
    schema = build_schema(projection.name)
    async with connection.transaction():
        # A build schema left by an interrupted replay is stale: start over.
        await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await connection.execute(f"CREATE SCHEMA {schema}")
        for table in projection.tables:
            copy = f"{schema}.{quote(table)}"
            await connection.execute(
                f"CREATE TABLE {copy} (LIKE public.{quote(table)} INCLUDING ALL)"
            )
            for privilege, grantable, grantee in await connection.fetch(
                _GRANTS, f"public.{quote(table)}"
            ):
                option = " WITH GRANT OPTION" if grantable else ""
                await connection.execute(f"GRANT {privilege} ON {copy} TO {grantee}{option}")
        await connection.execute(
            "DELETE FROM public.projection_skipped_events WHERE name = $1 AND build",
            projection.name,
        )
        row = await connection.fetchrow(
            _REGISTER, projection.name, str(target.transaction_id), target.position, total
        )
    return _status(row)


async def _keep_index_names(
    connection: asyncpg.Connection, table: str, originals: list[asyncpg.Record]
) -> None:
    """Give the moved copy's indexes the names the live ones had (later migrations use them)."""
    wanted: dict[tuple[bool, str], list[str]] = {}
    for name, primary, shape in originals:
        wanted.setdefault((primary, shape), []).append(name)
    renames = []
    for name, primary, shape in await connection.fetch(_INDEXES, table):
        names = wanted.get((primary, shape))
        if names:
            original = names.pop(0)
            if original != name:
                renames.append((name, original))
    # Two steps, so that no copy takes a name another copy still has.
    for number, (current, _) in enumerate(renames):
        await connection.execute(
            f"ALTER INDEX public.{quote(current)} RENAME TO {quote(f'projection_swap_{number}')}"
        )
    for number, (_, original) in enumerate(renames):
        await connection.execute(
            f"ALTER INDEX public.{quote(f'projection_swap_{number}')} RENAME TO {quote(original)}"
        )
