"""Which database answers the reads: the replica while it is reachable and close behind the
primary, otherwise the primary.

A monitor task checks the replica every ``replica_check_seconds``: the primary's WAL position,
then the replica's replayed position, its last replayed transaction's time and whether its replay
is paused. Choosing a database for a request only reads what the last check found (no query), and
a request that finds the replica gone marks it down at once, without waiting for the next check.

Lag without false alarms: the check keeps the primary's WAL positions as it saw them, with the
time it saw each. The replica's lag is the age of the oldest position it has not replayed yet,
0 once it has replayed the latest one. A primary that writes nothing leaves nothing to replay,
so an idle pair shows no lag (``pg_last_xact_replay_timestamp()`` alone would grow without a
write); a replica that stops replaying shows its lag growing from the first write it misses.
The measure's resolution is the check interval.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from service.database import Pool

log = logging.getLogger(__name__)

CHECK_DEADLINE_SECONDS = 1.0
"""How long one look at a database (the primary's position, the replica's replay) may take,
measured by the service, whatever the database does; past it the replica counts as down."""

CHECK_ACQUIRE_TIMEOUT_SECONDS = 0.5
"""How long a check waits for a pooled connection (and hands back one its deadline cut short)."""

KEPT_SAMPLES = 3600
"""The primary's positions kept while the replica has not replayed them (an hour at 1 s)."""

# pg_is_wal_replay_paused() raises on a server that is not in recovery: CASE keeps it from
# running there (AND does not promise to).
_REPLAY = """SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), pg_last_xact_replay_timestamp(),
                    CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END"""


class ReplayLag:
    """The replica's lag from the primary's WAL positions as the checks saw them: the age of
    the oldest position it has not replayed, 0 once it has replayed the latest."""

    def __init__(self, kept: int = KEPT_SAMPLES) -> None:
        self._seen: deque[tuple[float, int]] = deque(maxlen=kept)
        """(when, position) of the primary's WAL, oldest first, each position newer than the
        one before; only those the replica has not replayed yet are kept."""

    def primary_at(self, position: int, now: float) -> None:
        if not self._seen or position > self._seen[-1][1]:
            self._seen.append((now, position))

    def replayed(self, position: int, now: float) -> float:
        """The lag once the replica has replayed up to ``position``."""
        while self._seen and self._seen[0][1] <= position:
            self._seen.popleft()
        return now - self._seen[0][0] if self._seen else 0.0


class ReplicaHealth(msgspec.Struct, frozen=True, kw_only=True):
    """What the last check found (and any failure since)."""

    configured: bool
    reachable: bool | None
    """Whether the replica answered its last check and no read has lost it since; None
    without a replica."""
    replay_paused: bool | None
    lag_seconds: float | None
    """How long ago the primary wrote the oldest WAL the replica has not replayed; 0 when it
    has replayed all of it; None while unknown (no replica, not reachable, nothing replayed)."""
    max_lag_seconds: float
    last_replayed_at: datetime | None
    """``pg_last_xact_replay_timestamp()``: when the last transaction it replayed committed on
    the primary; it does not move while the primary writes nothing."""
    reads_on: Literal["replica", "primary"]


def is_connection_failure(error: BaseException) -> bool:
    """Whether ``error`` says the server is gone or not answering (rather than that a query
    failed): refused, dropped, shutting down, starting up, or silent past a client deadline."""
    if isinstance(error, asyncpg.QueryCanceledError):  # statement_timeout: the query's fault
        return False
    if isinstance(error, asyncpg.InterfaceError):
        return "closed" in str(error) or "closing" in str(error)
    return isinstance(
        error,
        (OSError, asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError),
    )


class ReadRouting:
    """The primary's pool and the replica's (if any), and which of them reads go to."""

    def __init__(
        self,
        primary: Pool,
        replica: Pool | None = None,
        *,
        max_lag_seconds: float = 5.0,
        check_seconds: float = 1.0,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self.max_lag_seconds = max_lag_seconds
        self.check_seconds = check_seconds
        self.reads_on_replica = False
        """Read by every request; changed by the checks and by a request that loses the replica."""
        self.fallback_reason: str | None = None if replica is None else "unreachable"
        """Why reads go to the primary although there is a replica: ``unreachable``,
        ``lagging`` or ``not-a-standby``; None while they go to the replica."""
        self._reachable: bool | None = None
        self._paused: bool | None = None
        self._lag: float | None = None
        self._last_replayed_at: datetime | None = None
        self._replay_lag = ReplayLag()
        self._task: asyncio.Task[None] | None = None

    def pool_for_reads(self) -> Pool:
        return self.replica if self.reads_on_replica else self.primary  # type: ignore[return-value]

    def health(self) -> ReplicaHealth:
        return ReplicaHealth(
            configured=self.replica is not None,
            reachable=self._reachable,
            replay_paused=self._paused,
            lag_seconds=None if self._lag is None else round(self._lag, 3),
            max_lag_seconds=self.max_lag_seconds,
            last_replayed_at=self._last_replayed_at,
            reads_on="replica" if self.reads_on_replica else "primary",
        )

    def replica_failed(self, error: BaseException) -> None:
        """A read lost the replica: reads go to the primary until a check finds it again."""
        if self._reachable is not False:
            log.warning("replica unreachable (%r): reads go to the primary", error)
        self._reachable = False
        self._paused = self._lag = None  # unknown until it answers again
        self._route()

    async def start(self) -> None:
        """A first check, so the first request is routed on facts, then one every interval."""
        if self.replica is None:
            return
        await self.check()
        self._task = asyncio.create_task(self._monitor(), name="replica monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _monitor(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.check()
            except Exception:  # a bug must not end the monitor: reads would stay where they are
                log.exception("replica check failed")

    async def check(self) -> None:
        """Look at the primary's WAL position and at the replica's replay, each within its own
        deadline, and route the reads by what they show."""
        assert self.replica is not None
        try:
            primary_lsn = await _fetchrow(self.primary, "SELECT pg_current_wal_lsn()")
        except Exception as error:  # the reads' own errors will say it; the lag keeps its samples
            log.debug("primary WAL position unknown: %r", error)
        else:
            self._replay_lag.primary_at(primary_lsn[0], time.monotonic())
        try:
            in_recovery, replayed, replayed_at, paused = await _fetchrow(self.replica, _REPLAY)
        except Exception as error:  # down, frozen, or refusing this role: no reads there
            self.replica_failed(error)
            return
        if self._reachable is False:
            log.info("replica reachable again")
        self._reachable = True
        self._paused = paused
        self._last_replayed_at = replayed_at
        if not in_recovery or replayed is None:
            self._lag = None
        else:
            self._lag = self._replay_lag.replayed(replayed, time.monotonic())
        self._route(in_recovery=in_recovery)

    def _route(self, *, in_recovery: bool = True) -> None:
        if not self._reachable:
            reason = "unreachable"
        elif not in_recovery:
            reason = "not-a-standby"
        elif self._lag is None or self._lag > self.max_lag_seconds:
            reason = "lagging"
        else:
            reason = None
        if reason != self.fallback_reason:
            if reason == "lagging" and self._lag is None:
                log.warning("the replica has replayed nothing yet: reads go to the primary")
            elif reason == "lagging":
                log.warning(
                    "replica lags %.1f s behind the primary (more than %g s): reads go to the "
                    "primary", self._lag, self.max_lag_seconds,
                )
            elif reason == "not-a-standby":
                log.warning("the replica is not in recovery (promoted?): reads go to the primary")
            elif reason is None:
                log.info("replica %.1f s behind the primary: reads go to the replica", self._lag)
        self.fallback_reason = reason
        self.reads_on_replica = reason is None


async def _fetchrow(pool: Pool, query: str) -> asyncpg.Record:
    async with asyncio.timeout(CHECK_DEADLINE_SECONDS):
        async with pool.acquire(timeout=CHECK_ACQUIRE_TIMEOUT_SECONDS) as connection:
            return await connection.fetchrow(query)
