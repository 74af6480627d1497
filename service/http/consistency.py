"""The database a read goes to, and read your writes.

Each read-model request is given one database, chosen once by its ``pool`` dependency and kept
for the request:
the replica while ``ReadRouting`` says it is reachable and close behind, else the primary. A read
with ``min_position`` waits until the read models have folded the log up to that position (an
append's answer gives it) on the database it will read from, choosing again at every look, so a
replica that stops replaying does not hold it until its deadline while the primary has the data.

A request that loses the replica (refused, dropped, silent) marks it down for every request and
is answered again from the primary, before anything of its failed answer was sent: reads are
safe to repeat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Request, Router
from litestar.di import Provide
from litestar.enums import ScopeType
from litestar.params import QueryParameter
from litestar.types import ASGIApp, ControllerRouterHandler, Message, Receive, Scope, Send

from service.database import Pool
from service.http.metrics import READS, REPLICA_FALLBACKS
from service.http.problems import unavailable
from service.read_routing import ReadRouting, is_connection_failure
from service.store.lookups import folded_through

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02

READ_POOL = "policy_timeline.read_pool"
"""Key of the request's scope state: the pool its guard chose (the ``pool`` of its handler)."""
REPLICA_FAILED = "policy_timeline.replica_failed"
"""Set in the request's scope state when the replica failed it: answer it from the primary."""
PRIMARY_ONLY = "policy_timeline.primary_only"

MinPosition = Annotated[
    int | None,
    QueryParameter(
        ge=1,
        le=2**63 - 1,
        description="answer only once the read models include the event at this position "
        "(the `position` of an append's answer); waits at most "
        "`POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS`, then 503 with Retry-After",
    ),
]


async def read_pool(request: Request[Any, Any, Any], min_position: MinPosition = None) -> Pool:
    """The ``pool`` of every reading route: the database this request reads from, once
    ``min_position`` (if given) is folded there."""
    state = request.scope["state"]
    routing: ReadRouting = request.app.state.read_routing
    primary_only = state.get(PRIMARY_ONLY, False)
    if min_position is None:
        pool = routing.primary if primary_only else routing.pool_for_reads()
        reason = "replica-failed" if primary_only else routing.fallback_reason
    else:
        pool, reason = await _wait_for_min_position(request, routing, min_position, primary_only)
    state[READ_POOL] = pool
    if pool is routing.primary:
        READS.labels("primary").inc()
        if routing.replica is not None:
            REPLICA_FALLBACKS.labels(reason).inc()
    else:
        READS.labels("replica").inc()
    return pool


async def _wait_for_min_position(
    request: Request[Any, Any, Any], routing: ReadRouting, position: int, primary_only: bool
) -> tuple[Pool, str | None]:
    """The pool that has folded the position, and why it is the primary if a replica is set.

    The replica is asked alone at first: it is usually milliseconds behind. Once the wait has
    lasted the replica's lag bound (or half the wait, if shorter) the primary is asked too, and
    the first to have the position answers."""
    state = request.app.state
    names = [projection.name for projection in state.projections]
    wait = state.settings.min_position_wait_seconds
    started = time.monotonic()
    deadline = started + wait
    patience = started + min(routing.max_lag_seconds, wait / 2)
    # A connection per look, not one held while waiting: waiting reads must not starve others.
    while True:
        pool = routing.primary if primary_only else routing.pool_for_reads()
        reason = "replica-failed" if primary_only else routing.fallback_reason
        if pool is routing.primary:
            if await _folded(pool, position, names):
                return pool, reason
        else:
            try:
                if await _folded(pool, position, names):
                    return pool, None
            except Exception as error:
                if not is_connection_failure(error):
                    raise
                routing.replica_failed(error)
                continue
            if time.monotonic() >= patience and await _folded(routing.primary, position, names):
                return routing.primary, "min-position"
        if time.monotonic() >= deadline:
            raise unavailable(
                "not-yet-visible",
                f"the read models have not reached position {position} yet; retry",
            )
        await asyncio.sleep(POLL_SECONDS)


async def _folded(pool: Pool, position: int, names: list[str]) -> bool:
    async with pool.acquire() as database:
        return await folded_through(database, position, names)


async def note_a_lost_replica(error: BaseException, scope: Scope) -> None:
    """An ``after_exception`` hook: a request that read from the replica and failed because it
    lost it marks the replica down at once, and itself to be answered again on the primary."""
    state = scope.get("state") or {}
    routing: ReadRouting = scope["app"].state.read_routing
    if (
        routing.replica is not None
        and state.get(READ_POOL) is routing.replica
        and is_connection_failure(error)
    ):
        routing.replica_failed(error)
        state[REPLICA_FAILED] = True


class AgainOnThePrimary:
    """Middleware of the reading routes: a request that failed because it lost the replica
    (``note_a_lost_replica``) is run again on the primary, its failed answer (an error, not yet
    sent) dropped.

    Litestar turns the handler's exception into its problem answer inside this middleware, so
    the answer is what arrives here; a request that lost the replica after its answer began
    (nothing here streams from the database) is not repeated."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["app"].state.read_routing.replica is None:
            await self.app(scope, receive, send)
            return
        state = scope["state"]
        dropped = False

        async def unless_the_replica_failed(message: Message) -> None:
            nonlocal dropped
            if (
                message["type"] == "http.response.start"
                and message["status"] >= 500
                and state.get(REPLICA_FAILED)
            ):
                dropped = True
            if not dropped:
                await send(message)

        await self.app(scope, receive, unless_the_replica_failed)
        if dropped:
            log.info("%s %s lost the replica: answering it from the primary",
                     scope["method"], scope["path"])
            state.pop(REPLICA_FAILED, None)
            state[PRIMARY_ONLY] = True
            await self.app(scope, receive, send)


def reading_router(route_handlers: Sequence[ControllerRouterHandler]) -> Router:
    """Routes that read the read models: their ``pool`` is the one ``read_pool`` chose (the
    replica when there is one and it is fit), and so they take ``min_position``."""
    return Router(
        path="/",
        route_handlers=route_handlers,
        dependencies={"pool": Provide(read_pool)},
        middleware=[AgainOnThePrimary],
    )
