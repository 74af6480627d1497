"""``GET /metrics``: Litestar's Prometheus integration (request counts and latency histograms)
plus the service's own figures: appends by outcome, projection lag, live subscribers, and the
replica: reachable, its lag, and where the reads go.

Lag and subscribers are read when scraped, from the projections' status queries (one index
probe per projection, and a count of the backlog only: nothing when caught up). Each process
has its own figures: with ``--workers N`` a scrape sees the worker that answers it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import asyncpg
from litestar import Response, get
from litestar.di import NamedDependency
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import Counter, Gauge

from service.live import LiveFeed
from service.projections.base import Projection
from service.projections.status import projection_lags
from service.read_routing import ReadRouting
from service.store import AppendResult, EventIdConflict, InvalidAppend, WrongExpectedVersion
from service.writing import AppendCommand, Appender, BadFact

PREFIX = "policy_timeline"

APPENDS = Counter(
    f"{PREFIX}_appends", "Append requests by outcome: appended, duplicate (a retry), conflict "
    "(409), rejected (422)", ["outcome"],
)
EVENTS_BEHIND = Gauge(
    f"{PREFIX}_projection_events_behind", "Readable events after the projection's checkpoint",
    ["projection"],
)
SECONDS_BEHIND = Gauge(
    f"{PREFIX}_projection_seconds_behind",
    "Age of the oldest event committed after the projection's checkpoint; 0 when caught up",
    ["projection"],
)
EVENTS_UNREADABLE = Gauge(
    f"{PREFIX}_feed_events_unreadable",
    "Committed events the gap-safe feed cannot read yet (an old transaction holds them back)",
)
LIVE_SUBSCRIBERS = Gauge(f"{PREFIX}_live_subscribers", "Open GET /events/live streams")
READS = Counter(
    f"{PREFIX}_reads", "Read-model requests by the database they were sent to: replica or "
    "primary (a request retried on the primary after losing the replica counts on both)",
    ["database"],
)
REPLICA_FALLBACKS = Counter(
    f"{PREFIX}_replica_fallbacks", "Read-model requests sent to the primary although a replica "
    "is configured, by why: unreachable, lagging, not-a-standby, min-position (the primary had "
    "the position first), replica-failed (retried after losing the replica)",
    ["reason"],
)
REPLICA_CONFIGURED = Gauge(f"{PREFIX}_replica_configured", "1 when DATABASE_REPLICA_URL is set")
REPLICA_UP = Gauge(
    f"{PREFIX}_replica_up", "1 while the replica answers its checks; 0 when not, or none is set"
)
REPLICA_LAG = Gauge(
    f"{PREFIX}_replica_lag_seconds",
    "How long ago the primary wrote the oldest WAL the replica has not replayed (0 when caught "
    "up; NaN while unknown)",
)
REPLICA_REPLAY_PAUSED = Gauge(f"{PREFIX}_replica_replay_paused", "1 while its replay is paused")
REPLICA_LAST_REPLAY = Gauge(
    f"{PREFIX}_replica_last_replay_timestamp_seconds",
    "pg_last_xact_replay_timestamp() as Unix time: when the last transaction the replica "
    "replayed committed on the primary (0 when unknown)",
)
READS_ON_REPLICA = Gauge(
    f"{PREFIX}_reads_on_replica", "1 while read-model requests go to the replica, 0 on the primary"
)


def prometheus_config() -> PrometheusConfig:
    return PrometheusConfig(
        app_name="policy-timeline",
        prefix=PREFIX,
        group_path=True,  # the route's template, not each id: a bounded set of labels
        exclude_unhandled_paths=True,
        exclude_opt_key="skip_metrics",
    )


class CountedAppender(Appender):
    """The appender, counting each append's outcome."""

    async def append(self, command: AppendCommand, *, dry_run: bool = False) -> AppendResult:
        if dry_run:  # stores nothing: not an append to count
            return await super().append(command, dry_run=True)
        try:
            result = await super().append(command)
        except (WrongExpectedVersion, EventIdConflict):
            APPENDS.labels("conflict").inc()
            raise
        except (BadFact, InvalidAppend):
            APPENDS.labels("rejected").inc()
            raise
        APPENDS.labels("duplicate" if result.duplicate else "appended").inc()
        return result


class MetricsController(PrometheusController):
    include_in_schema = False
    tags = ["operations"]

    @get(opt={"skip_etag": True})
    async def get(
        self,
        pool: NamedDependency[asyncpg.Pool],
        projections: NamedDependency[Sequence[Projection]],
        live_feed: NamedDependency[LiveFeed],
        read_routing: NamedDependency[ReadRouting],
    ) -> Response[Any]:
        """Prometheus text format."""
        async with pool.acquire() as connection:
            lags = await projection_lags(
                connection, [projection.name for projection in projections], count_events=True
            )
        for lag in lags:
            EVENTS_BEHIND.labels(lag.name).set(lag.events_behind or 0)
            SECONDS_BEHIND.labels(lag.name).set(lag.seconds_behind)
        EVENTS_UNREADABLE.set(lags[0].events_unreadable if lags else 0)
        LIVE_SUBSCRIBERS.set(live_feed.subscribers)
        replica = read_routing.health()
        REPLICA_CONFIGURED.set(replica.configured)
        REPLICA_UP.set(bool(replica.reachable))
        REPLICA_LAG.set(math.nan if replica.lag_seconds is None else replica.lag_seconds)
        REPLICA_REPLAY_PAUSED.set(bool(replica.replay_paused))
        REPLICA_LAST_REPLAY.set(
            replica.last_replayed_at.timestamp() if replica.last_replayed_at else 0
        )
        READS_ON_REPLICA.set(replica.reads_on == "replica")
        return await PrometheusController.get.fn(self)
