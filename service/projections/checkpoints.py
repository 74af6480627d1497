"""A projection's checkpoint: the cursor its live tables have folded up to, with counters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import asyncpg
import msgspec

from service.store import START, Cursor

if TYPE_CHECKING:
    from service.projections.fold import Skip


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    cursor: Cursor = START
    events_applied: int = 0
    events_skipped: int = 0


class CheckpointMoved(RuntimeError):
    """The checkpoint changed under a batch: someone else applied events. Nothing is written."""


_SET = """INSERT INTO public.projection_checkpoints
        (name, transaction_id, position, events_applied, events_skipped)
    VALUES ($1, $2::text::xid8, $3, $4, $5)
    ON CONFLICT (name) DO UPDATE SET
        transaction_id = excluded.transaction_id, position = excluded.position,
        events_applied = excluded.events_applied, events_skipped = excluded.events_skipped,
        updated_at = now(), last_error = NULL, last_error_at = NULL"""


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


_READ_ALL = """SELECT name, transaction_id::text::bigint, position, events_applied, events_skipped
    FROM public.projection_checkpoints WHERE name = ANY ($1::text[])"""


async def read_checkpoints(
    connection: asyncpg.Connection, names: list[str]
) -> dict[str, Checkpoint]:
    """Every named projection's checkpoint; missing ones are created at the start."""
    rows = await connection.fetch(_READ_ALL, names)
    if len(rows) < len(set(names)):
        await connection.execute(
            """INSERT INTO public.projection_checkpoints (name)
               SELECT unnest($1::text[]) ON CONFLICT DO NOTHING""",
            names,
        )
        rows = await connection.fetch(_READ_ALL, names)
    return {
        row[0]: Checkpoint(
            name=row[0], cursor=Cursor(row[1], row[2]), events_applied=row[3],
            events_skipped=row[4],
        )
        for row in rows
    }


# Only moves checkpoints that are still where the batch read them: a second line of defence
# behind the apply locks against applying the same events twice.
_ADVANCE_ALL = """UPDATE public.projection_checkpoints AS c
    SET transaction_id = $4::text::xid8, position = $5,
        events_applied = c.events_applied + moved.applied,
        events_skipped = c.events_skipped + moved.skipped,
        updated_at = now(), last_error = NULL, last_error_at = NULL
    FROM unnest($1::text[], $2::text[], $3::bigint[], $6::bigint[], $7::bigint[])
        AS moved (name, transaction_id, position, applied, skipped)
    WHERE c.name = moved.name AND c.transaction_id = moved.transaction_id::xid8
      AND c.position = moved.position"""


async def advance_checkpoints(
    connection: asyncpg.Connection,
    checkpoints: list[Checkpoint],
    to: Cursor,
    counts: dict[str, tuple[int, int]],
) -> None:
    """Move each checkpoint to ``to``, adding its (applied, skipped) counts."""
    status = await connection.execute(
        _ADVANCE_ALL,
        [c.name for c in checkpoints],
        [str(c.cursor.transaction_id) for c in checkpoints],
        [c.cursor.position for c in checkpoints],
        str(to.transaction_id),
        to.position,
        [counts.get(c.name, (0, 0))[0] for c in checkpoints],
        [counts.get(c.name, (0, 0))[1] for c in checkpoints],
    )
    if status != f"UPDATE {len(checkpoints)}":
        raise CheckpointMoved("a checkpoint moved during a batch")


_RECORD_SKIP = """INSERT INTO public.projection_skipped_events
        (name, build, event_id, position, type, error)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (name, build, event_id)
    DO UPDATE SET error = excluded.error, skipped_at = now()"""


async def record_skips(
    connection: asyncpg.Connection, skipped: Sequence[Skip], *, build: bool = False
) -> None:
    """Keep the events a projection could not fold (``fold.Skip``), for operators to see."""
    if skipped:
        await connection.executemany(
            _RECORD_SKIP,
            [
                (s.projection, build, s.event.event_id, s.event.position, s.event.type, s.error)
                for s in skipped
            ],
        )
