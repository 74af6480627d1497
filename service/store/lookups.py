"""Reads of the log for the write path's checks and the commands (the feed, streams and
events by id are in postgres.py).

The store owns every statement on ``events`` but one: the Atom feeds' query
(``service/queries/feed.py``) joins the log to the read models to order facts by when they were
recorded, on the log's ``recorded_at`` index. Nothing outside the store writes the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import asyncpg


async def stream_openings(
    connection: asyncpg.Connection, stream_ids: Sequence[str]
) -> list[asyncpg.Record]:
    """``(stream_id, event_id, type, text)`` of the first event of each stream that has one:
    the fact that created its entity (``text`` is a source's full text, else null)."""
    return await connection.fetch(
        """SELECT stream_id, event_id, type, data ->> 'text' AS text FROM events
           WHERE stream_id = ANY ($1::text[]) AND stream_version = 1""",
        list(stream_ids),
    )


async def is_empty(connection: asyncpg.Connection | asyncpg.Pool) -> bool:
    return await connection.fetchval("SELECT NOT EXISTS (SELECT FROM events)")


async def has_event(connection: asyncpg.Connection | asyncpg.Pool, event_id: uuid.UUID) -> bool:
    return await connection.fetchval("SELECT EXISTS (SELECT FROM events WHERE event_id = $1)", event_id)


async def extent(connection: asyncpg.Connection) -> tuple[int, int]:
    """How many events the log holds and the last position (a count: for ``status`` only)."""
    count, last = await connection.fetchrow(
        "SELECT count(*), coalesce(max(position), 0) FROM events"
    )
    return count, last


async def amendments_of(
    connection: asyncpg.Connection,
    targets: Sequence[tuple[str, str]],
    leave_out: Sequence[uuid.UUID] = (),
) -> list[asyncpg.Record]:
    """``(target, event_id, type, schema_version, data)`` of every correction and retraction of
    the ``(stream_id, event_id)`` targets but those in ``leave_out``, in stream order.
    Amendments live in their target's stream, so this reads those streams only (the
    ``(stream_id, stream_version)`` index)."""
    if not targets:
        return []
    streams = sorted({stream_id for stream_id, _ in targets})
    ids = sorted({event_id for _, event_id in targets})
    return await connection.fetch(
        """SELECT data ->> 'target' AS target, event_id, type, schema_version, data::text AS data
           FROM events
           WHERE stream_id = ANY ($1::text[])
             AND type IN ('fact.corrected', 'fact.retracted')
             AND data ->> 'target' = ANY ($2::text[])
             AND event_id <> ALL ($3::uuid[])
           ORDER BY stream_id, stream_version""",
        streams,
        ids,
        list(leave_out),
    )


async def folded_through(
    connection: asyncpg.Connection, position: int, checkpoint_names: Sequence[str]
) -> bool:
    """Whether every named checkpoint has passed every event at or below ``position`` (and the
    log has reached it). Reads events between the slowest checkpoint and ``position`` only: work
    proportional to the lag, never to the log."""
    return await connection.fetchval(
        """WITH slowest AS (
               SELECT transaction_id, position FROM projection_checkpoints
               WHERE name = ANY ($2::text[])
               ORDER BY transaction_id, position LIMIT 1)
           SELECT EXISTS (SELECT FROM events WHERE events.position >= $1)
              AND (SELECT count(*) FROM projection_checkpoints WHERE name = ANY ($2::text[]))
                  = cardinality($2::text[])
              AND NOT EXISTS (
                  SELECT FROM events, slowest
                  WHERE (events.transaction_id, events.position)
                        > (slowest.transaction_id, slowest.position)
                    AND events.position <= $1)""",
        position,
        list(checkpoint_names),
    )
