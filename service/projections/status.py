"""Where each projection stands: checkpoint, lag behind the feed, leader, latest rebuild."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg
import msgspec

from service.projections.base import Projection
from service.projections.locks import leader_key, lock_holders, rebuild_key
from service.projections.rebuild_status import RebuildStatus, rebuild_statuses
from service.store import Cursor, backlog_after


class ProjectionStatus(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    checkpoint: Cursor
    events_applied: int
    events_skipped: int
    events_behind: int
    """Readable events after the checkpoint (of every type: the checkpoint passes them all)."""
    events_unreadable: int
    """Events committed after the checkpoint that the gap-safe feed cannot read yet."""
    seconds_behind: float
    """Age of the oldest event committed after the checkpoint, readable or not; 0 when
    caught up. A stalled feed shows here, not in ``events_behind``."""
    updated_at: datetime | None
    last_error: str | None
    """Why the latest batch failed, until one succeeds."""
    leader: bool | None
    """Whether this process runs it; None when this process runs no projector."""
    leader_backend_pid: int | None
    """The PostgreSQL backend holding the leadership, in whichever process; None if nobody."""
    rebuild: RebuildStatus | None


_CHECKPOINTS = """SELECT p.name,
        coalesce(c.transaction_id::text::bigint, 0), coalesce(c.position, 0),
        coalesce(c.events_applied, 0), coalesce(c.events_skipped, 0),
        c.updated_at, c.last_error
    FROM unnest($1::text[]) WITH ORDINALITY AS p(name, ord)
    LEFT JOIN public.projection_checkpoints c ON c.name = p.name
    ORDER BY p.ord"""


class ProjectionLag(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    seconds_behind: float
    events_behind: int | None = None
    """Readable events after the checkpoint, when counted."""
    events_unreadable: int = 0
    """Committed events the gap-safe feed cannot read yet (the same for every projection)."""


async def projection_statuses(
    connection: asyncpg.Connection,
    projections: Sequence[Projection],
    leading: Mapping[str, bool] | None = None,
) -> list[ProjectionStatus]:
    """``leading``: name -> whether this process leads it, or None when it runs no projector."""
    names = [projection.name for projection in projections]
    rows = await connection.fetch(_CHECKPOINTS, names)
    backlogs = await backlog_after(connection, [Cursor(row[1], row[2]) for row in rows])
    holders = await lock_holders(connection)
    running = {name for name in names if rebuild_key(name) in holders}
    rebuilds = await rebuild_statuses(connection, names, running)
    return [
        ProjectionStatus(
            name=row[0],
            checkpoint=Cursor(row[1], row[2]),
            events_applied=row[3],
            events_skipped=row[4],
            updated_at=row[5],
            last_error=row[6],
            events_behind=backlog.events_readable or 0,
            events_unreadable=backlog.events_unreadable,
            seconds_behind=backlog.seconds_behind,
            leader=None if leading is None else leading.get(row[0], False),
            leader_backend_pid=holders.get(leader_key(row[0])),
            rebuild=rebuilds.get(row[0]),
        )
        for row, backlog in zip(rows, backlogs, strict=True)
    ]


async def checkpoints(connection: asyncpg.Connection, names: Sequence[str]) -> list[Cursor]:
    """Each named projection's checkpoint (the start of the feed when it has none), e.g. as a
    replica's copy of the table has them."""
    rows = await connection.fetch(_CHECKPOINTS, list(names))
    return [Cursor(row[1], row[2]) for row in rows]


async def projection_lags(
    connection: asyncpg.Connection, names: Sequence[str], *, count_events: bool = False
) -> list[ProjectionLag]:
    """Each projection's ``seconds_behind``, at a cost that does not grow with the backlog
    (for readiness probes); with ``count_events`` also ``events_behind``, which walks the
    backlog's index range (nothing when caught up; never the whole log unless that is the
    backlog)."""
    rows = await connection.fetch(_CHECKPOINTS, list(names))
    backlogs = await backlog_after(
        connection, [Cursor(row[1], row[2]) for row in rows], count_readable=count_events
    )
    return [
        ProjectionLag(
            name=row[0],
            seconds_behind=backlog.seconds_behind,
            events_behind=backlog.events_readable,
            events_unreadable=backlog.events_unreadable,
        )
        for row, backlog in zip(rows, backlogs, strict=True)
    ]
