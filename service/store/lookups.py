"""Reads of the log for the write path's checks and the commands (the feed, streams and
events by id are in postgres.py).

The store owns every statement on ``events``: nothing else in the service reads the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg


async def stream_openings(
    connection: asyncpg.Connection, stream_ids: Sequence[str]
) -> list[asyncpg.Record]:
    """``(stream_id, type, text)`` of the first event of each stream that has one: the fact
    that created its entity (``text`` is a source's full text, else null)."""
    return await connection.fetch(
        """SELECT stream_id, type, data ->> 'text' AS text FROM events
           WHERE stream_id = ANY ($1::text[]) AND stream_version = 1""",
        list(stream_ids),
    )


async def is_empty(connection: asyncpg.Connection | asyncpg.Pool) -> bool:
    return await connection.fetchval("SELECT NOT EXISTS (SELECT FROM events)")


async def extent(connection: asyncpg.Connection) -> tuple[int, int]:
    """How many events the log holds and the last position (a count: for ``status`` only)."""
    count, last = await connection.fetchrow(
        "SELECT count(*), coalesce(max(position), 0) FROM events"
    )
    return count, last
