"""A projection's checkpoint: the cursor its live tables have folded up to, with counters."""

from __future__ import annotations

import asyncpg
import msgspec

from service.store import START, Cursor


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    cursor: Cursor = START
    events_applied: int = 0
    events_skipped: int = 0


class CheckpointMoved(RuntimeError):
    """The checkpoint changed under a batch: someone else applied events. Nothing is written."""


_READ = """SELECT transaction_id::text::bigint, position, events_applied, events_skipped
    FROM public.projection_checkpoints WHERE name = $1"""

# Only moves a checkpoint that is still where the batch read it: a second line of defence
# behind the apply lock against applying the same events twice.
_ADVANCE = """UPDATE public.projection_checkpoints
    SET transaction_id = $4::text::xid8, position = $5,
        events_applied = events_applied + $6, events_skipped = events_skipped + $7,
        updated_at = now(), last_error = NULL, last_error_at = NULL
    WHERE name = $1 AND transaction_id = $2::text::xid8 AND position = $3"""

_SET = """INSERT INTO public.projection_checkpoints
        (name, transaction_id, position, events_applied, events_skipped)
    VALUES ($1, $2::text::xid8, $3, $4, $5)
    ON CONFLICT (name) DO UPDATE SET
        transaction_id = excluded.transaction_id, position = excluded.position,
        events_applied = excluded.events_applied, events_skipped = excluded.events_skipped,
        updated_at = now(), last_error = NULL, last_error_at = NULL"""


async def ensure_checkpoint(connection: asyncpg.Connection, name: str) -> None:
    await connection.execute(
        "INSERT INTO public.projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING",
        name,
    )


async def read_checkpoint(connection: asyncpg.Connection, name: str) -> Checkpoint | None:
    row = await connection.fetchrow(_READ, name)
    if row is None:
        return None
    return Checkpoint(
        name=name, cursor=Cursor(row[0], row[1]), events_applied=row[2], events_skipped=row[3]
    )


async def advance_checkpoint(
    connection: asyncpg.Connection, checkpoint: Checkpoint, to: Cursor, applied: int, skipped: int
) -> None:
    status = await connection.execute(
        _ADVANCE,
        checkpoint.name,
        str(checkpoint.cursor.transaction_id),
        checkpoint.cursor.position,
        str(to.transaction_id),
        to.position,
        applied,
        skipped,
    )
    if status != "UPDATE 1":
        raise CheckpointMoved(f"the checkpoint of {checkpoint.name!r} moved during a batch")


async def set_checkpoint(connection: asyncpg.Connection, checkpoint: Checkpoint) -> None:
    """Put a checkpoint where a rebuild ended (inside the swap's transaction)."""
    await connection.execute(
        _SET,
        checkpoint.name,
        str(checkpoint.cursor.transaction_id),
        checkpoint.cursor.position,
        checkpoint.events_applied,
        checkpoint.events_skipped,
    )


async def record_failure(connection: asyncpg.Connection, name: str, error: str) -> None:
    """Make a failing batch visible to every instance (``GET /projections``)."""
    await connection.execute(
        """UPDATE public.projection_checkpoints
           SET last_error = $2, last_error_at = now() WHERE name = $1""",
        name,
        error,
    )
