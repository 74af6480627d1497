"""Korean in a URL, sent as raw UTF-8 (as curl sends it), answered by the API under uvicorn with
the service's HTTP protocol, on a test database with the seed article folded in."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from urllib.parse import quote

import asyncpg
import pytest
import uvicorn

from service.app import create_app
from service.settings import Settings
from service.store import PostgresEventStore
from service.writing import Appender
from service.writing.seeding import seed
from tests.integration.read_models.conftest import catch_up
from tests.raw_http import DEADLINE, connected, get, port_of, served

KOREAN = "오픈소스"
CURL = shutil.which("curl")


@pytest.fixture
async def api(database_url: str, settings: Settings) -> AsyncIterator[uvicorn.Server]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    try:
        await seed(Appender(PostgresEventStore(pool, poll_interval=0.5), pool))
        await catch_up(pool)
    finally:
        await pool.close()
    async with served(create_app(settings, database_url), lifespan="on") as server:
        yield server


async def statements(api: uvicorn.Server, target: bytes) -> tuple[int, dict]:
    async with connected(api) as connection:
        await connection.send(get(target))
        answer = await connection.answer()
    return answer.status, answer.json()


async def test_a_raw_utf8_q_finds_what_the_percent_encoded_q_finds(api):
    raw_status, raw = await statements(api, b"/statements?q=%s&limit=2" % KOREAN.encode())
    encoded_status, encoded = await statements(api, f"/statements?q={quote(KOREAN)}&limit=2".encode())
    assert (raw_status, encoded_status) == (200, 200), raw
    assert raw == encoded
    assert raw["statements"], "the seed article has statements about open source"
    for statement in raw["statements"]:
        quotes = [evidence["quote"] for evidence in statement["evidence"]]
        assert any(KOREAN in text for text in [statement["text"], *quotes])


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
async def test_curl_with_korean_in_the_url(api):
    url = f"http://127.0.0.1:{port_of(api)}/statements?q={KOREAN}&limit=2"
    curl = await asyncio.create_subprocess_exec(
        CURL, "-s", "--max-time", str(DEADLINE), "-w", "\n%{http_code} %{content_type}", url,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with asyncio.timeout(DEADLINE + 5):
        output, _ = await curl.communicate()
    body, _, status = output.decode().rpartition("\n")
    assert status == "200 application/json", body
    assert KOREAN in body
