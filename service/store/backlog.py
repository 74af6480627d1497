"""What the gap-safe feed cannot read yet, how old it is, and which transaction holds it back.

The feed reads only events of transactions below ``pg_snapshot_xmin(pg_current_snapshot())``,
the oldest transaction still running anywhere on the server. Events committed at or above that
bound wait, unreadable, for it to end. These queries say so; each reads only the events above a
bound (the feed index ``(transaction_id, position)``), never the whole log.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import msgspec

from service.store.model import Cursor


class BlockingTransaction(msgspec.Struct, frozen=True, kw_only=True):
    """The oldest transaction of the server holding a transaction id, from ``pg_stat_activity``.

    Roles without ``pg_read_all_stats`` see only the pid, database, application name and ids
    of other roles' sessions: ``state`` and ``transaction_seconds`` are then None.
    """

    pid: int
    database: str | None
    application_name: str | None
    state: str | None
    transaction_seconds: float | None
    """Age of its transaction."""
    backend_xid: int | None
    backend_xmin: int | None


class FeedBacklog(msgspec.Struct, frozen=True, kw_only=True):
    events_unreadable: int
    """Committed events the gap-safe feed cannot read yet."""
    oldest_unreadable_seconds: float
    """Age (since ``recorded_at``) of the oldest of them; 0 when there are none."""
    blocking: BlockingTransaction | None
    """The transaction holding them back; None when none are held back. When that one is no
    session's (a prepared transaction), the oldest session holding an xid, if any."""


class CursorBacklog(msgspec.Struct, frozen=True, kw_only=True):
    """The events committed after a cursor (a projection's checkpoint)."""

    events_readable: int | None
    """How many of them the feed can read; None when not counted."""
    events_unreadable: int
    seconds_behind: float
    """Age of the oldest of them, readable or not; 0 when there are none."""


# The index range above the bound holds only the unreadable events.
_UNREADABLE = """SELECT count(*),
        coalesce(extract(epoch FROM now() - min(recorded_at))::float8, 0)
    FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())"""

# The bound is the xid of the oldest running transaction; if its session is not visible (a
# prepared transaction), the oldest visible holder of an xid is the best answer there is.
_BLOCKING = """SELECT pid, datname, application_name, state,
        extract(epoch FROM now() - xact_start)::float8,
        backend_xid::text::bigint, backend_xmin::text::bigint
    FROM pg_stat_activity
    WHERE backend_xid IS NOT NULL
    ORDER BY age(backend_xid) DESC
    LIMIT 1"""

COUNT_CAP = 100_000
"""Readable events after a cursor are counted up to this many: a projection rebuilt from
zero must not make every status request walk the whole log."""

# Per cursor: the oldest readable event after it is the first in feed order (transaction ids
# follow transaction starts, and recorded_at is the start, up to one short transaction), so
# its age comes from one index probe; counting the readable ones walks their index range.
_AFTER = """WITH unreadable AS (
        SELECT count(*) AS events, min(recorded_at) AS oldest FROM events
        WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
    )
    SELECT
        CASE WHEN $3 THEN (
            SELECT count(*) FROM (
                SELECT FROM events e
                WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)
                  AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                LIMIT $4
            ) AS behind
        ) END,
        unreadable.events,
        coalesce(extract(epoch FROM now() - least(unreadable.oldest, (
            SELECT e.recorded_at FROM events e
            WHERE (e.transaction_id, e.position) > (c.transaction_id::text::xid8, c.position)
              AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.transaction_id, e.position LIMIT 1
        )))::float8, 0)
    FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS c(transaction_id, position, ord)
    CROSS JOIN unreadable
    ORDER BY c.ord"""


async def feed_backlog(connection: asyncpg.Connection) -> FeedBacklog:
    """The events the feed cannot read yet, and the transaction that holds them back."""
    events, oldest_seconds = await connection.fetchrow(_UNREADABLE)
    blocking = None
    if events:
        row = await connection.fetchrow(_BLOCKING)
        if row is not None:
            blocking = BlockingTransaction(
                pid=row[0],
                database=row[1],
                application_name=row[2],
                state=row[3],
                transaction_seconds=row[4],
                backend_xid=row[5],
                backend_xmin=row[6],
            )
    return FeedBacklog(
        events_unreadable=events,
        oldest_unreadable_seconds=max(oldest_seconds, 0.0),
        blocking=blocking,
    )


async def backlog_after(
    connection: asyncpg.Connection, cursors: Sequence[Cursor], *, count_readable: bool = True
) -> list[CursorBacklog]:
    """For each cursor, the events committed after it. Every unreadable event is after every
    cursor (a cursor is only ever a readable place), so ``events_unreadable`` is the feed's.
    Readable events are counted up to ``COUNT_CAP``; without ``count_readable`` they are not
    counted, and the cost does not grow with the backlog (readiness probes)."""
    rows = await connection.fetch(
        _AFTER,
        [cursor.transaction_id for cursor in cursors],
        [cursor.position for cursor in cursors],
        count_readable,
        COUNT_CAP,
    )
    return [
        CursorBacklog(
            events_readable=row[0], events_unreadable=row[1], seconds_behind=max(row[2], 0.0)
        )
        for row in rows
    ]
