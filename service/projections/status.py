"""Where each projection stands: checkpoint, lag behind the feed, leader, latest replay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import asyncpg
import msgspec

from service.projections.base import Projection
from service.projections.locks import leader_key, lock_holders, replay_key
from service.projections.replay import ReplayStatus, replay_statuses
from service.store import Cursor


class ProjectionStatus(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    checkpoint: Cursor
    events_applied: int
    events_skipped: int
    events_behind: int
    """Readable events after the checkpoint (of every type: the checkpoint passes them all)."""
    seconds_behind: float
    """Age of the oldest readable event not yet passed; 0 when caught up."""
    updated_at: datetime | None
    last_error: str | None
    """Why the latest batch failed, until one succeeds."""
    leader: bool | None
    """Whether this process runs it; None when this process runs no projector."""
    leader_backend_pid: int | None
    """The PostgreSQL backend holding the leadership, in whichever process; None if nobody."""
    replay: ReplayStatus | None


_CHECKPOINTS_AND_LAG = """SELECT p.name,
        coalesce(c.transaction_id::text::bigint, 0), coalesce(c.position, 0),
        coalesce(c.events_applied, 0), coalesce(c.events_skipped, 0),
        c.updated_at, c.last_error, lag.behind, lag.seconds
    FROM unnest($1::text[]) WITH ORDINALITY AS p(name, ord)
    LEFT JOIN public.projection_checkpoints c ON c.name = p.name
    CROSS JOIN LATERAL (
        SELECT count(*) AS behind,
               coalesce(extract(epoch FROM now() - min(e.recorded_at))::float8, 0) AS seconds
          FROM public.events e
         WHERE (e.transaction_id, e.position)
               > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.position, 0))
           AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ) AS lag
    ORDER BY p.ord"""


async def projection_statuses(
    connection: asyncpg.Connection,
    projections: Sequence[Projection],
    leading: Mapping[str, bool] | None = None,
) -> list[ProjectionStatus]:
    """``leading``: name -> whether this process leads it, or None when it runs no projector."""
    names = [projection.name for projection in projections]
    rows = await connection.fetch(_CHECKPOINTS_AND_LAG, names)
    holders = await lock_holders(connection)
    running = {name for name in names if replay_key(name) in holders}
    replays = await replay_statuses(connection, names, running)
    return [
        ProjectionStatus(
            name=row[0],
            checkpoint=Cursor(row[1], row[2]),
            events_applied=row[3],
            events_skipped=row[4],
            updated_at=row[5],
            last_error=row[6],
            events_behind=row[7],
            seconds_behind=max(row[8], 0.0),
            leader=None if leading is None else leading.get(row[0], False),
            leader_backend_pid=holders.get(leader_key(row[0])),
            replay=replays.get(row[0]),
        )
        for row in rows
    ]
