"""The projections over HTTP: where each one stands (on the primary, and on the replica), and
blue/green rebuilds (admin)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, TypeVar

import asyncpg
import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter

from service.http.auth import is_admin, requires_admin
from service.http.health import ReplicaResponse, replica_response
from service.http.openapi import BEARER, answers
from service.http.problems import problem
from service.projections.build_tables import RebuildNotPossible
from service.projections.projector import Projector, UnknownProjection
from service.projections.rebuild_status import RebuildAlreadyRunning, RebuildStatus
from service.projections.status import ProjectionStatus, checkpoints
from service.read_routing import (
    CHECK_ACQUIRE_TIMEOUT_SECONDS,
    CHECK_DEADLINE_SECONDS,
    ReadRouting,
    is_connection_failure,
)
from service.store import Cursor, backlog_after, feed_backlog

ProjectionName = Annotated[str, PathParameter(description="e.g. timeline", max_length=200)]


class ReplayResponse(msgspec.Struct, kw_only=True):
    name: str
    state: str
    """``building``, ``completed``, ``failed``, or ``interrupted`` (its process stopped)."""
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    checkpoint: str
    """How far the rebuild has folded (a feed cursor)."""
    target: str
    """The end of the feed when it began."""
    events_done: int
    events_total: int
    events_applied: int
    events_skipped: int
    error: str | None


class ReplicaCheckpointResponse(msgspec.Struct, kw_only=True):
    """The replica's copy of a projection's checkpoint, measured against the primary's log."""

    checkpoint: str
    """The feed cursor the replica's copy of the read model has folded up to."""
    events_behind: int
    """Readable events of the primary's log after it: what reads on the replica miss."""
    seconds_behind: float
    """Age of the oldest event committed on the primary after it; 0 when caught up."""


class ProjectionResponse(msgspec.Struct, kw_only=True):
    name: str
    checkpoint: str
    """The feed cursor the live tables have folded up to."""
    events_applied: int
    events_skipped: int
    """Events that could not be folded (see ``projection_skipped_events``)."""
    events_behind: int
    """Readable events after the checkpoint."""
    events_unreadable: int
    """Events committed after the checkpoint that the feed cannot read yet (see ``feed``)."""
    seconds_behind: float
    """Age of the oldest event committed after the checkpoint, readable or not; 0 when
    caught up."""
    updated_at: datetime | None
    last_error: str | None
    leader: bool | None
    """Whether this instance runs the projection; null when it runs no projector."""
    leader_backend_pid: int | None
    """The database backend holding the projection's leadership, from any instance."""
    replay: ReplayResponse | None
    """The latest blue/green rebuild, running or not."""
    replica: ReplicaCheckpointResponse | None = None
    """Where the replica's copy stands; null without a replica, or when it did not answer."""


class BlockingTransactionResponse(msgspec.Struct, kw_only=True):
    pid: int
    database: str | None
    application_name: str | None
    state: str | None
    """e.g. ``idle in transaction``; null when the service's role may not see it."""
    transaction_seconds: float | None
    """Age of its transaction; null when the service's role may not see it."""
    backend_xid: int | None
    backend_xmin: int | None


class FeedBacklogResponse(msgspec.Struct, kw_only=True):
    events_unreadable: int
    """Committed events that the gap-safe feed cannot read yet: their transactions are not
    older than the oldest transaction running anywhere on the server."""
    oldest_unreadable_seconds: float
    """Age of the oldest of them; 0 when there are none."""
    blocking: BlockingTransactionResponse | None
    """The oldest transaction of the server holding a transaction id, which they wait for;
    null when nothing waits."""


class ProjectionsResponse(msgspec.Struct, kw_only=True):
    feed: FeedBacklogResponse
    projections: list[ProjectionResponse]
    replica: ReplicaResponse
    """The streaming replica, as in ``GET /ready``."""
    redacted: bool
    """True when error texts, backend pids and the blocking transaction are left out (null):
    only a caller with an admin bearer token sees them."""


def redacted(answer: ProjectionsResponse) -> ProjectionsResponse:
    def projection(status: ProjectionResponse) -> ProjectionResponse:
        replay = status.replay and msgspec.structs.replace(status.replay, error=None)
        return msgspec.structs.replace(
            status, last_error=None, leader_backend_pid=None, replay=replay
        )

    return ProjectionsResponse(
        feed=msgspec.structs.replace(answer.feed, blocking=None),
        projections=[projection(status) for status in answer.projections],
        replica=answer.replica,
        redacted=True,
    )


async def replica_checkpoints(routing: ReadRouting, names: list[str]) -> list[Cursor]:
    """The replica's copy of each checkpoint; none without a replica, or when it is down or
    does not answer within a check's deadline (it is then marked down)."""
    if routing.replica is None or not routing.health().reachable:
        return []
    try:
        async with asyncio.timeout(CHECK_DEADLINE_SECONDS):
            async with routing.replica.acquire(timeout=CHECK_ACQUIRE_TIMEOUT_SECONDS) as replica:
                return await checkpoints(replica, names)
    except Exception as error:
        if not is_connection_failure(error):
            raise
        routing.replica_failed(error)
        return []


Answer = TypeVar("Answer", bound=msgspec.Struct)


def built_from(internal: msgspec.Struct, response_type: type[Answer], **changed: Any) -> Answer:
    """``internal`` as ``response_type``, field by field of the same names (nested values too,
    by msgspec's ``from_attributes``); ``changed`` gives the fields the answer shows otherwise
    (a cursor as its text) or names otherwise."""
    fields = {**msgspec.structs.asdict(internal), **changed}
    return msgspec.convert(fields, response_type, from_attributes=True)


def replay_response(status: RebuildStatus) -> ReplayResponse:
    return built_from(
        status, ReplayResponse, checkpoint=str(status.checkpoint), target=str(status.target)
    )


def projection_response(status: ProjectionStatus) -> ProjectionResponse:
    return built_from(
        status,
        ProjectionResponse,
        checkpoint=str(status.checkpoint),
        replay=replay_response(status.rebuild) if status.rebuild else None,
    )


class ProjectionController(Controller):
    path = "/projections"
    tags = ["projections"]

    @get("/", responses=answers())
    async def list_projections(
        self,
        request: Request[Any, Any, Any],
        projector: NamedDependency[Projector],
        pool: NamedDependency[asyncpg.Pool],
        read_routing: NamedDependency[ReadRouting],
    ) -> ProjectionsResponse:
        """Each projection's checkpoint, lag, leader and latest replay, where the replica's
        copy of it stands, and what holds back the feed they all read. Error texts, backend
        pids and the blocking transaction only with an admin bearer token."""
        names = list(projector.projections)
        on_replica = await replica_checkpoints(read_routing, names)
        async with pool.acquire() as connection:
            backlog = await feed_backlog(connection)
            statuses = await projector.status(connection)
            replica_backlogs = await backlog_after(connection, on_replica) if on_replica else []
        answer = ProjectionsResponse(
            feed=built_from(backlog, FeedBacklogResponse),
            projections=[projection_response(s) for s in statuses],
            replica=replica_response(read_routing.health()),
            redacted=False,
        )
        for status, cursor, behind in zip(answer.projections, on_replica, replica_backlogs):
            status.replica = ReplicaCheckpointResponse(
                checkpoint=str(cursor),
                events_behind=behind.events_readable or 0,
                seconds_behind=behind.seconds_behind,
            )
        return answer if await is_admin(request) else redacted(answer)

    @post(
        "/{name:str}/replay",
        guards=[requires_admin],
        status_code=202,
        security=BEARER,
        responses=answers(401, 403, 404, 409, read=False),
    )
    async def replay(
        self, name: ProjectionName, projector: NamedDependency[Projector]
    ) -> Response[ReplayResponse]:
        """Rebuild a projection from the whole log beside the live tables, then swap them in.

        Answers 202 as the rebuild begins; follow it in ``GET /projections``. Readers keep
        the old tables until the swap. 409 when a replay of it already runs.
        """
        try:
            status = await projector.start_rebuild(name)
        except UnknownProjection as error:
            raise problem(404, "projection-not-found", str(error)) from None
        except RebuildAlreadyRunning as error:
            raise problem(409, "replay-running", str(error)) from None
        except RebuildNotPossible as error:
            raise problem(409, "replay-not-possible", str(error)) from None
        return Response(
            replay_response(status), status_code=202, headers={"Location": "/projections"}
        )
