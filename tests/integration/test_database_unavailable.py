"""A database that is busy, slow or gone answers 503 problems with Retry-After, never a hang."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.database import with_database
from service.projections.connections import connect
from service.settings import Settings
from tests.factories import agency
from tests.tokens import WRITER, bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def settings() -> Settings:
    """One pooled connection that is waited for half a second, statements cut at 300 ms."""
    return Settings(
        seed_on_start=False,
        run_projector=False,
        pool_min_size=1,
        pool_max_size=1,
        pool_acquire_timeout_seconds=0.5,
        statement_timeout_seconds=0.3,
    )


def assert_503(response, problem_type: str) -> dict:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["type"] == problem_type
    return body


def in_the_app(client: AsyncTestClient, function, *args):
    """Run ``function`` on the app's event loop (the test client serves it from its own
    thread), where its pool lives."""
    return client.blocking_portal.call(function, *args)


async def test_a_request_while_every_pool_connection_is_held_answers_503_within_the_timeout(
    client,
):
    pool = client.app.state.pool

    async def take():
        return await pool.acquire()

    held = in_the_app(client, take)
    try:
        started = time.monotonic()
        response = await client.get("/events")
        waited = time.monotonic() - started
    finally:
        in_the_app(client, pool.release, held)
    assert_503(response, "/problems/database-timeout")
    assert 0.5 <= waited < 2
    assert (await client.get("/events")).status_code == 200


async def test_a_statement_longer_than_the_statement_timeout_answers_503(client, pool):
    # A lock takes no transaction id, so this holds back no one's feed.
    async with pool.acquire() as locker, locker.transaction():
        await locker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = await client.get("/events")
        waited = time.monotonic() - started
    assert_503(response, "/problems/database-timeout")
    assert 0.3 <= waited < 2
    assert (await client.get("/events")).status_code == 200


async def test_only_the_api_pool_has_a_statement_timeout(client, database_url):
    pool = client.app.state.pool
    assert in_the_app(client, pool.fetchval, "SHOW statement_timeout") == "300ms"
    runner = await connect(database_url, "runner")
    try:
        assert await runner.fetchval("SHOW statement_timeout") == "0"
    finally:
        await runner.close()


@pytest.fixture
async def client_of_a_server_that_is_gone() -> AsyncIterator[AsyncTestClient]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    # No connection at start (min size 0), so the app starts and meets the error per request.
    settings = Settings(seed_on_start=False, run_projector=False, pool_min_size=0)
    app = create_app(settings, f"postgresql://postgres@127.0.0.1:{closed_port}/gone")
    async with AsyncTestClient(app) as client:
        client.closed_port = closed_port
        yield client


@pytest.mark.parametrize("path", ["/events", "/ready", "/projections", "/desk"])
async def test_a_database_that_cannot_be_reached_answers_503_without_naming_it(
    client_of_a_server_that_is_gone, path
):
    response = await client_of_a_server_that_is_gone.get(path)
    assert_503(response, "/problems/database-unavailable")
    assert "127.0.0.1" not in response.text
    assert str(client_of_a_server_that_is_gone.closed_port) not in response.text


def append_agency(client):
    return client.post(
        "/streams/agency-test-ministry/events", json={"events": [agency()]}, headers=bearer(WRITER)
    )


async def test_an_append_while_every_pool_connection_is_held_answers_503(client, pool):
    app_pool = client.app.state.pool
    held = in_the_app(client, app_pool.acquire)
    try:
        response = await append_agency(client)
    finally:
        in_the_app(client, app_pool.release, held)
    assert_503(response, "/problems/database-timeout")
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_an_append_longer_than_the_statement_timeout_answers_503(client, pool):
    async with pool.acquire() as locker, locker.transaction():
        await locker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        response = await append_agency(client)
    assert_503(response, "/problems/database-timeout")
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_an_append_to_a_database_that_cannot_be_reached_answers_503(
    client_of_a_server_that_is_gone,
):
    response = await append_agency(client_of_a_server_that_is_gone)
    body = assert_503(response, "/problems/database-unavailable")
    assert body["request_id"] == response.headers["x-request-id"]
    assert str(client_of_a_server_that_is_gone.closed_port) not in response.text


@pytest.mark.parametrize("path", ["/ready", "/events"])
async def test_a_database_that_does_not_exist_answers_503_without_naming_it(server_url, path):
    missing = f"pt_missing_{uuid.uuid4().hex[:8]}"
    settings = Settings(seed_on_start=False, run_projector=False, pool_min_size=0)
    async with AsyncTestClient(create_app(settings, with_database(server_url, missing))) as client:
        response = await client.get(path)
    assert_503(response, "/problems/database-unavailable")
    assert missing not in response.text and "does not exist" not in response.text
