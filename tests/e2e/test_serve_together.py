"""Two ``serve`` started together on one empty database both come up: one migrates under the
advisory lock while the other waits, and the article is seeded once."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest

from events.seed import load_seed
from tests.e2e.processes import Running, free_port


def stored_events(database_url: str) -> int:
    async def count() -> int:
        connection = await asyncpg.connect(database_url)
        try:
            return await connection.fetchval("SELECT count(*) FROM events")
        finally:
            await connection.close()

    return asyncio.run(count())


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_two_serve_started_together_on_an_empty_database_both_serve_it(
    empty_database_url, tmp_path, attempt
):
    ports = [free_port(), free_port()]
    servers = [
        Running(
            ["serve", "--port", str(port), "--projector", "off"],
            {"DATABASE_URL": empty_database_url},
            tmp_path / f"serve-{n}.log",
        )
        for n, port in enumerate(ports)
    ]
    with servers[0], servers[1]:
        for server, port in zip(servers, ports, strict=True):
            server.wait_until_healthy(f"http://127.0.0.1:{port}")
        for port in ports:
            assert httpx.get(f"http://127.0.0.1:{port}/events").status_code == 200
        assert stored_events(empty_database_url) == len(load_seed())
        for server in servers:
            server.stop()
