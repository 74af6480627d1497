"""The rebuild bookkeeping: one row per projection in ``projection_replays``, its latest rebuild.

A rebuild registers itself as ``building`` when it begins, records how far it has folded as it
goes, and ends ``completed`` (in the swap's transaction) or ``failed``. A ``building`` row whose
rebuild lock nobody holds was interrupted: its process stopped. (The table keeps the name its
migration gave it, after the ``replay`` command and endpoint that start a rebuild.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from service.store import Cursor

RebuildState = Literal["building", "completed", "failed", "interrupted"]


class RebuildStatus(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    state: RebuildState
    """``interrupted``: the process running it stopped; the next rebuild starts over."""
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


class RebuildAlreadyRunning(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"a replay of {name!r} is already running")
        self.name = name


ProgressHook = Callable[[RebuildStatus], Awaitable[None]]

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


def _status(row: asyncpg.Record, state: RebuildState | None = None) -> RebuildStatus:
    return RebuildStatus(
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


async def register(
    connection: asyncpg.Connection, name: str, target: Cursor, total: int
) -> RebuildStatus:
    """A rebuild of ``name`` begins: ``building``, towards ``target``, ``total`` events."""
    row = await connection.fetchrow(
        _REGISTER, name, str(target.transaction_id), target.position, total
    )
    return _status(row)


async def record_progress(
    connection: asyncpg.Connection,
    name: str,
    cursor: Cursor,
    *,
    done: int,
    total: int,
    applied: int,
    skipped: int,
) -> RebuildStatus:
    row = await connection.fetchrow(
        _PROGRESS, name, str(cursor.transaction_id), cursor.position,
        done, total, applied, skipped,
    )  # fmt: skip
    return _status(row)


async def finish(
    connection: asyncpg.Connection,
    name: str,
    state: Literal["completed", "failed"],
    error: str | None = None,
) -> RebuildStatus:
    return _status(await connection.fetchrow(_FINISH, name, state, error))


async def rebuild_statuses(
    connection: asyncpg.Connection, names: list[str], running: set[str]
) -> dict[str, RebuildStatus]:
    """The latest rebuild of each projection that had one. ``running``: the names whose
    rebuild lock is held; a ``building`` rebuild without it was interrupted."""
    rows = await connection.fetch(
        f"SELECT {_COLUMNS} FROM public.projection_replays WHERE name = ANY ($1::text[])", names
    )
    statuses = {}
    for row in rows:
        interrupted = row[1] == "building" and row[0] not in running
        statuses[row[0]] = _status(row, "interrupted" if interrupted else None)
    return statuses
