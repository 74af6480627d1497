"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec

from service.http.openapi import answers
from service.http.problems import unavailable
from service.projections.base import Projection
from service.projections.status import projection_lags
from service.read_routing import ReadRouting, ReplicaHealth
from service.settings import Settings

READY_DEADLINE_SECONDS = 1.0
"""How long ``/ready`` waits for the database's answer before a 503 ``database-timeout``,
measured by the service whatever the database does (it may be frozen rather than down)."""

READY_ACQUIRE_TIMEOUT_SECONDS = 0.5
"""How long ``/ready`` waits for a pooled connection; it also bounds handing back a connection
whose query the deadline cut short, so the probe answers within the sum (1.5 s)."""


class Health(msgspec.Struct):
    status: str


class Lag(msgspec.Struct, kw_only=True):
    name: str
    seconds_behind: float


class ReplicaResponse(msgspec.Struct, kw_only=True):
    """The streaming replica (``DATABASE_REPLICA_URL``) as this process's last check of it
    found it, and where the read-model requests go."""

    configured: bool
    reachable: bool | None
    """Whether it answered its last check (and no read has lost it since); null without a
    replica."""
    replay_paused: bool | None
    lag_seconds: float | None
    """How long ago the primary wrote the oldest WAL the replica has not replayed yet; 0 when
    caught up; null while unknown."""
    max_lag_seconds: float
    """Past this lag reads go to the primary (``POLICY_TIMELINE_REPLICA_MAX_LAG_SECONDS``)."""
    last_replayed_at: datetime | None
    """``pg_last_xact_replay_timestamp()``: when the last transaction it replayed committed on
    the primary (it stays put while nothing is written)."""
    reads_on: Literal["replica", "primary"]
    """Where read-model requests go now: the primary while the replica is not configured,
    not reachable, or lags past ``max_lag_seconds``."""


def replica_response(health: ReplicaHealth) -> ReplicaResponse:
    return ReplicaResponse(**msgspec.structs.asdict(health))


class Ready(msgspec.Struct, kw_only=True):
    status: str
    seconds_behind: float
    """The largest lag of any projection."""
    max_seconds_behind: float
    """Above this, ``/ready`` answers 503 (``POLICY_TIMELINE_READY_MAX_LAG_SECONDS``)."""
    projections: list[Lag]
    replica: ReplicaResponse
    """The replica does not decide readiness: while it is down or lags, reads go to the
    primary and still answer."""


class NotReady(msgspec.Struct, kw_only=True):
    """A problem document (``application/problem+json``)."""

    type: str
    """``/problems/not-ready``, ``/problems/database-unavailable`` or
    ``/problems/database-timeout``."""
    title: str
    status: int
    detail: str
    lagging: list[Lag] | None = None
    """With ``/problems/not-ready``: the projections further behind than allowed."""


@get("/health", tags=["operations"], responses=answers(database=False))
async def health() -> Health:
    """The process is up and serving."""
    return Health(status="ok")


@get(
    "/ready",
    tags=["operations"],
    responses={
        **answers(),
        503: ResponseSpec(
            NotReady,
            description="Not ready: a projection lags, or the database does not answer "
            "(with Retry-After)",
            media_type="application/problem+json",
            generate_examples=False,
        )
    },
)
async def ready(
    pool: NamedDependency[asyncpg.Pool],
    settings: NamedDependency[Settings],
    projections: NamedDependency[Sequence[Projection]],
    read_routing: NamedDependency[ReadRouting],
) -> Ready:
    """The database answers and no projection is further behind than the configured lag.
    ``replica`` says where reads go; a replica that is down or lags does not make the service
    unready (reads then go to the primary), and is not asked here (a check in the background
    keeps what it says).

    503 ``/problems/not-ready`` names the projections that lag (a stalled feed makes them all
    lag: ``GET /projections`` names the transaction that holds it back); 503
    ``/problems/database-unavailable`` or ``/problems/database-timeout`` when the database
    does not answer, within 1.5 s whatever the database does.
    """
    async with asyncio.timeout(READY_DEADLINE_SECONDS):
        async with pool.acquire(timeout=READY_ACQUIRE_TIMEOUT_SECONDS) as connection:
            names = [projection.name for projection in projections]
            lags = await projection_lags(connection, names)
    limit = settings.ready_max_lag_seconds
    lagging = [lag for lag in lags if limit and lag.seconds_behind > limit]
    if lagging:
        behind = ", ".join(f"{lag.name} ({lag.seconds_behind:.0f} s)" for lag in lagging)
        raise unavailable(
            "not-ready",
            f"projections more than {limit:g} s behind: {behind}; see GET /projections",
            lagging=[{"name": lag.name, "seconds_behind": lag.seconds_behind} for lag in lagging],
        )
    return Ready(
        status="ready",
        seconds_behind=max((lag.seconds_behind for lag in lags), default=0.0),
        max_seconds_behind=limit,
        projections=[Lag(name=lag.name, seconds_behind=lag.seconds_behind) for lag in lags],
        replica=replica_response(read_routing.health()),
    )
