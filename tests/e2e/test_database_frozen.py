"""A database that stops answering without going away (its processes frozen with SIGSTOP, as a
stalled VM or a cut network would leave it): the server's ``statement_timeout`` cannot fire,
so only the client's deadlines bound a request. Reads and ``/ready`` answer 503
``/problems/database-timeout`` with Retry-After within a bound measured from the client, and
the service answers 200 again once the database runs (SIGCONT)."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.database import COMMAND_TIMEOUT_MARGIN_SECONDS
from service.settings import Settings
from tests.e2e.postgres_cluster import Cluster, binaries_of

STATEMENT_TIMEOUT = 1.0
ACQUIRE_TIMEOUT = 1.0
READ_BOUND = STATEMENT_TIMEOUT + COMMAND_TIMEOUT_MARGIN_SECONDS + ACQUIRE_TIMEOUT + 1.5
"""The client-side statement deadline, then handing back the connection whose statement it cut
short (bounded by the acquire timeout), and a margin for a loaded machine."""
READY_BOUND = 3.0
GIVE_UP = 20.0
"""When the test thaws the database whatever happened: a request still waiting then fails its
bound (the bug this guards against) instead of hanging the test."""


@pytest.fixture
async def freezable(server_url):
    cluster = Cluster(await binaries_of(server_url), "frozen")
    try:
        await cluster.start_migrated()
        yield cluster
    finally:
        cluster.stop()


def processes_of(cluster: Cluster) -> list[psutil.Process]:
    """The postmaster and every process it started (backends, checkpointer, walwriter...)."""
    postmaster = psutil.Process(int((cluster.data / "postmaster.pid").read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]


@contextmanager
def frozen(cluster: Cluster) -> Iterator[None]:
    """The cluster stopped for the block, and for at most GIVE_UP seconds: a watchdog thread
    thaws it even when a request hangs the event loop's task (as it does without the
    client-side deadlines), so the test fails on its time bound instead of hanging."""
    stopped: list[psutil.Process] = []

    def thaw() -> None:
        for process in stopped:
            try:
                process.send_signal(signal.SIGCONT)
            except psutil.NoSuchProcess:
                pass

    watchdog = threading.Timer(GIVE_UP, thaw)
    watchdog.start()
    try:
        for process in processes_of(cluster):
            process.send_signal(signal.SIGSTOP)
            stopped.append(process)
        yield
    finally:
        watchdog.cancel()
        thaw()


async def timed_get(api, path: str):
    started = time.monotonic()
    response = await api.get(path)
    return response, time.monotonic() - started


async def until_ok(api, path: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while True:
        response, _ = await timed_get(api, path)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response.status_code
        await asyncio.sleep(0.2)


def assert_database_timeout(response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/database-timeout"
    assert int(response.headers["retry-after"]) > 0


async def test_a_frozen_database_answers_503_within_the_client_deadlines(freezable):
    settings = Settings(
        seed_on_start=False,
        run_projector=False,
        statement_timeout_seconds=STATEMENT_TIMEOUT,
        pool_acquire_timeout_seconds=ACQUIRE_TIMEOUT,
    )
    async with AsyncTestClient(create_app(settings, freezable.url)) as api:
        for path in ("/agencies", "/ready"):
            assert (await timed_get(api, path))[0].status_code == 200

        with frozen(freezable):
            # The first read finds an idle pooled connection whose statement never returns;
            # the next ones have to open a connection the frozen server never accepts.
            timings = []
            for path, bound in (("/agencies", READ_BOUND), ("/ready", READY_BOUND),
                                ("/agencies", READ_BOUND), ("/ready", READY_BOUND)):
                response, seconds = await timed_get(api, path)
                timings.append((path, round(seconds, 2)))
                assert_database_timeout(response)
                assert seconds < bound, (path, seconds, bound)
            print("answer times while frozen:", timings)

        assert await until_ok(api, "/agencies") == 200
        assert await until_ok(api, "/ready") == 200
