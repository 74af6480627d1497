"""A database that stops while the API runs: reads and appends answer 503 with Retry-After,
and once it is back the same API process serves again, without a restart."""

from __future__ import annotations

import asyncio
import time

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import Settings
from tests.e2e.postgres_cluster import Cluster, binaries_of
from tests.factories import agency, source
from tests.tokens import WRITER, bearer


@pytest.fixture
async def stoppable(server_url):
    cluster = Cluster(await binaries_of(server_url), "outage")
    try:
        await cluster.start_migrated()
        yield cluster
    finally:
        cluster.stop()


async def post(api, stream_id: str, event: dict):
    return await api.post(f"/streams/{stream_id}/events", json={"events": [event]}, headers=bearer(WRITER))


async def until_answered(api, path: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while True:
        status = (await api.get(path)).status_code
        if status != 503 or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.2)


async def test_an_outage_answers_503_and_the_api_recovers_without_a_restart(stoppable):
    settings = Settings(seed_on_start=False, run_projector=False, pool_acquire_timeout_seconds=2)
    async with AsyncTestClient(create_app(settings, stoppable.url)) as api:
        assert (await post(api, "source-test-source", source())).status_code == 201
        assert (await api.get("/events")).status_code == 200

        stoppable.halt()
        for response in (await api.get("/events"), await post(api, "agency-test-ministry", agency())):
            assert response.status_code == 503, response.text
            assert int(response.headers["retry-after"]) > 0
            assert response.headers["content-type"].startswith("application/problem+json")

        stoppable.start()
        assert await until_answered(api, "/events") == 200
        assert (await post(api, "agency-test-ministry", agency())).status_code == 201
