"""The projector: the live runner of the projections it is given, and rebuilds on demand."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

import asyncpg

from service.projections.base import DEFAULT_BATCH_SIZE, Projection
from service.projections.rebuild import Rebuild
from service.projections.rebuild_status import RebuildStatus
from service.projections.runner import FACTS, ProjectionRunner
from service.projections.status import ProjectionStatus, projection_statuses

log = logging.getLogger(__name__)



class UnknownProjection(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"no projection {self.name!r}"


class Projector:
    """Starts and stops the live runner, which leads the projections only where it holds their
    locks, so every instance of the service can run a projector."""

    def __init__(
        self,
        projections: Sequence[Projection],
        database_url: str,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        notify_channel: str = "policy_timeline_events",
        poll_interval: float = 5.0,
        retry_interval: float = 1.0,
        after_batch: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        names = [projection.name for projection in projections]
        if len(set(names)) != len(names):
            raise ValueError(f"projection names must be unique: {names}")
        self.projections = {projection.name: projection for projection in projections}
        self.database_url = database_url
        self.batch_size = batch_size
        self.runner = ProjectionRunner(
            tuple(projections),
            database_url,
            batch_size=batch_size,
            notify_channel=notify_channel,
            poll_interval=poll_interval,
            retry_interval=retry_interval,
            after_batch=after_batch,
        )
        self.started = False
        self._runs: list[asyncio.Task[None]] = []
        self._rebuilds: dict[str, asyncio.Task[RebuildStatus | None]] = {}

    async def start(self) -> None:
        if self.started:
            return
        self._runs = [asyncio.create_task(self.runner.run(), name="projections")]
        self.started = True

    async def stop(self) -> None:
        """Cancel the runners and any rebuild; their connections close, releasing their locks."""
        tasks = [*self._runs, *self._rebuilds.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._runs = []
        self._rebuilds.clear()
        self.started = False

    def leading(self) -> dict[str, bool] | None:
        """Name -> whether this process leads it; None when the runners are not started."""
        if not self.started:
            return None
        return {name: self.runner.leader for name in self.projections}

    async def status(self, connection: asyncpg.Connection) -> list[ProjectionStatus]:
        return await projection_statuses(
            connection, list(self.projections.values()), self.leading()
        )

    async def start_rebuild(self, name: str) -> RebuildStatus:
        """Begin a blue/green rebuild and run it in the background; its status as it begins.

        Raises ``UnknownProjection``, or ``RebuildAlreadyRunning`` when one runs anywhere.
        """
        if name not in self.projections:
            raise UnknownProjection(name)
        rebuild = await Rebuild.begin(
            self.database_url, rebuilt_with([name], self.projections), batch_size=self.batch_size
        )
        task = asyncio.create_task(self._run_rebuild(rebuild), name=f"rebuild {name}")
        self._rebuilds[name] = task
        return rebuild.status

    async def _run_rebuild(self, rebuild: Rebuild) -> RebuildStatus | None:
        name = rebuild.projection.name
        try:
            return await rebuild.run()
        except Exception:  # recorded in projection_replays and logged by the rebuild
            return None
        finally:
            if self._rebuilds.get(name) is asyncio.current_task():
                del self._rebuilds[name]


def rebuilt_with(names: Sequence[str], projections: Mapping[str, Projection]) -> list[Projection]:
    """The projections a rebuild of ``names`` rebuilds: those (in the order named), or every
    projection when none is named or ``facts`` is, which the live path reads back as the
    others' state (their checkpoints must never be behind its)."""
    if not names or FACTS in names:
        return list(projections.values())
    return [projections[name] for name in dict.fromkeys(names)]
