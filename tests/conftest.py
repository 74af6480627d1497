"""Shared fixtures: a real PostgreSQL server, a migrated template, a fresh database per test.

``DATABASE_URL`` names the server to use (its database is only used to create others);
unset, the tests start an embedded server in a temporary folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from service import database
from service.settings import Settings, load_settings
from service.store import PostgresEventStore
from tests.tokens import ADMIN, bearer, make_test_tokens


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    configured = load_settings().database_url
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="policy-timeline-tests-") as folder:
        embedded = database.EmbeddedPostgres(Path(folder))
        try:
            yield embedded.start()
        finally:
            embedded.stop()


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(server_url)


@pytest.fixture(scope="session")
async def template_name(server_url: str) -> AsyncIterator[str]:
    """A database migrated to head, cloned for every test (cloning is much faster than migrating)."""
    name = f"pt_template_{os.getpid()}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        template_url = database.with_database(server_url, name)
        await asyncio.to_thread(database.migrate, template_url)
        connection = await asyncpg.connect(template_url)
        try:
            await make_test_tokens(connection)
        finally:
            await connection.close()
        yield name
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextlib.asynccontextmanager
async def cloned_database(
    server_url: str, template_name: str, prefix: str = "pt_test"
) -> AsyncIterator[str]:
    """A fresh database cloned from the migrated template (with the test tokens), dropped
    afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
        yield database.with_database(server_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def database_url(server_url: str, template_name: str) -> AsyncIterator[str]:
    """A fresh, migrated database of this test's own."""
    async with cloned_database(server_url, template_name) as url:
        yield url


@pytest.fixture
async def empty_database_url(server_url: str) -> AsyncIterator[str]:
    """A fresh database with no schema at all, for migration tests."""
    name = f"pt_bare_{uuid.uuid4().hex[:12]}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield database.with_database(server_url, name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def settings() -> Settings:
    # The projector is off in the shared app: a runner's open batch holds back the gap-safe
    # feed for a moment, which would race with tests that read right after they write. Tests
    # of the read side fold explicitly or start their own projector.
    return Settings(
        database_url=None, seed_on_start=False, poll_interval_seconds=0.5, run_projector=False
    )


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=40)
    yield pool
    await pool.close()


@pytest.fixture
async def store(pool: asyncpg.Pool, settings: Settings) -> PostgresEventStore:
    return PostgresEventStore(pool, notify_channel=settings.notify_channel, poll_interval=0.5)


@pytest.fixture
async def client(database_url: str, settings: Settings) -> AsyncIterator[object]:
    """The API in process, on this test's database, through its lifespan, presenting the
    test admin token (``tests.tokens``); ``anonymous_client`` presents none."""
    from litestar.testing import AsyncTestClient

    from service.app import create_app

    app = create_app(settings, database_url)
    async with AsyncTestClient(app) as test_client:
        test_client.headers.update(bearer(ADMIN))
        yield test_client


@pytest.fixture
async def anonymous_client(database_url: str, settings: Settings) -> AsyncIterator[object]:
    """The API on this test's database, as someone without a token."""
    from litestar.testing import AsyncTestClient

    from service.app import create_app

    async with AsyncTestClient(create_app(settings, database_url)) as test_client:
        yield test_client
