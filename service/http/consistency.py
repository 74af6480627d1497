"""Read your writes: a read with ``min_position`` waits until the read models have folded the
log up to that position (an append's answer gives it), on the database the read goes to."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from litestar import Router
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import Provide
from litestar.handlers.base import BaseRouteHandler
from litestar.params import QueryParameter
from litestar.types import ControllerRouterHandler

from service.http.problems import problem, unavailable
from service.store.lookups import folded_through

POLL_SECONDS = 0.02

MIN_POSITION_PARAMETER = QueryParameter(
    annotation=int | None,
    name="min_position",
    required=False,
    ge=1,
    le=2**63 - 1,
    description="answer only once the read models include the event at this position "
    "(the `position` of an append's answer); waits at most "
    "`POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS`, then 503 with Retry-After",
)


async def wait_for_min_position(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    raw = connection.query_params.get("min_position")
    if raw is None:
        return
    # Guards run before parameters are parsed, so this one checks its own.
    position = int(raw) if raw.isascii() and raw.isdigit() else 0
    if not 1 <= position < 2**63:
        raise problem(400, "bad-request", f"min_position must be a positive integer, not {raw!r}")
    state = connection.app.state
    names = [projection.name for projection in state.projections]
    deadline = time.monotonic() + state.settings.min_position_wait_seconds
    # A connection per look, not one held while waiting: waiting reads must not starve others.
    while not await _folded(state.read_pool, position, names):
        if time.monotonic() >= deadline:
            raise unavailable(
                "not-yet-visible",
                f"the read models have not reached position {position} yet; retry",
            )
        await asyncio.sleep(POLL_SECONDS)


async def _folded(pool, position: int, names: list[str]) -> bool:
    async with pool.acquire() as database:
        return await folded_through(database, position, names)


def _read_pool(state: State) -> object:
    return state.read_pool


def reading_router(route_handlers: Sequence[ControllerRouterHandler]) -> Router:
    """Routes that read the read models: their ``pool`` is the replica when there is one, and
    they take ``min_position``."""
    return Router(
        path="/",
        route_handlers=route_handlers,
        dependencies={"pool": Provide(_read_pool, sync_to_thread=False)},
        guards=[wait_for_min_position],
        parameters={"min_position": MIN_POSITION_PARAMETER},
    )
