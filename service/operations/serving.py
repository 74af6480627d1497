"""What ``serve`` and ``project`` run.

``serve`` migrates and seeds once, then supervises two children: the API (uvicorn with
``settings.workers`` worker processes) and, in ``process`` mode, the projector
(``policy-timeline project``), which it starts again when it dies. The folding of events
thus never runs on the event loop that answers requests. See docs/operations.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Sequence

import asyncpg
import msgspec

from service import bootstrap, database
from service.http import tokens
from service.operations.http_protocol import HTTP_PROTOCOL
from service.operations.processes import STOP_SIGNALS, Child, Supervisor, unwinding_on
from service.projections.base import Projection
from service.projections.feed_watch import watching_feed
from service.read_models import PROJECTIONS
from service.settings import Settings, child_environment
from service.writing.seeding import seed_database

log = logging.getLogger(__name__)

APP_FACTORY = "service.app:app_from_environment"


def serve(settings: Settings) -> int:
    with unwinding_on(STOP_SIGNALS), database.in_use(settings) as url:
        database.migrate(url)
        if settings.seed_on_start:
            report = asyncio.run(seed_database(url, settings, on_start=True))
            if report is not None and report.appended:
                log.info("seed: appended %d events", report.appended)
            for refusal in report.refused if report is not None else ():
                log.warning("seed: the store refused %s", refusal)
        if not asyncio.run(_has_tokens(url)):
            log.warning(
                "no API token exists, so nothing can append or replay over HTTP; make one with "
                "`policy-timeline token create --name NAME --scope append` (reads are public)"
            )
        settings = msgspec.structs.replace(settings, database_url=url)
        log.info(
            "serving on http://%s:%d: %d API process(es), projector %s",
            settings.host, settings.port, settings.workers, settings.projector,
        )
        return Supervisor(children(settings)).run()


async def _has_tokens(url: str) -> bool:
    connection = await asyncpg.connect(url)
    try:
        return await tokens.any_active(connection)
    finally:
        await connection.close()


def children(settings: Settings) -> list[Child]:
    """The API, and the projector when it runs in a process of its own. They inherit the
    settings (the database's URL included) through their environment."""
    environment = child_environment(settings)
    api = Child("API", api_command(settings), environment, restart=False)
    if settings.projector != "process":
        return [api]
    projector_command = [sys.executable, "-m", "service.cli", "project"]
    return [api, Child("projector", projector_command, environment, restart=True)]


def api_command(settings: Settings) -> list[str]:
    # uvicorn runs one server in its own process when workers is 1, otherwise a parent that
    # spawns the workers, shares the socket with them and replaces any that dies. Its HTTP
    # protocol is h11's with raw UTF-8 read in request targets (service/operations/http_protocol.py).
    return [
        sys.executable, "-m", "uvicorn", APP_FACTORY, "--factory",
        "--host", settings.host,
        "--port", str(settings.port),
        "--workers", str(settings.workers),
        "--http", HTTP_PROTOCOL,
        "--log-level", settings.log_level.lower(),
        # Live streams never end by themselves: on shutdown, uvicorn waits this long for
        # requests in flight, then cancels what is left (GET /events/live among them).
        "--timeout-graceful-shutdown", "5",
    ]  # fmt: skip


def project(settings: Settings) -> None:
    """Keep the projections current until SIGTERM, SIGINT or SIGHUP (each led where its lock
    is held)."""
    with unwinding_on(STOP_SIGNALS), database.in_use(settings) as url:
        database.migrate(url)
        asyncio.run(keep_projections_current(url, settings))


async def keep_projections_current(
    database_url: str, settings: Settings, projections: Sequence[Projection] = PROJECTIONS
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    projector = bootstrap.projector(database_url, settings, projections)
    await projector.start()
    log.info("projector running (pid %d): %s", os.getpid(), ", ".join(projector.projections))
    try:
        async with watching_feed(database_url, settings.feed_stall_warning_seconds):
            await stop.wait()
    finally:
        log.info("projector stopping")
        await projector.stop()
