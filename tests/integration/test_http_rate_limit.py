"""Writes over the configured rate answer 429 with ``Retry-After``; reads are never limited."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.factories import agency, append
from tests.tokens import bearer

PROBLEM = "application/problem+json"


@pytest.fixture
async def limited_client(database_url, settings):
    limited = msgspec.structs.replace(settings, write_rate_limit=3, write_rate_limit_window="minute")
    async with AsyncTestClient(create_app(limited, database_url)) as client:
        client.headers.update(bearer())
        yield client


async def test_the_write_past_the_limit_gets_a_429_problem_with_retry_after(limited_client):
    for n in range(3):
        response = await append(limited_client, f"agency-a{n}", agency(f"a{n}"), expected="no_stream")
        assert response.status_code == 201
    refused = await append(limited_client, "agency-a3", agency("a3"))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == PROBLEM
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    problem = refused.json()
    assert (problem["type"], problem["status"]) == ("/problems/too-many-requests", 429)
    assert "3 writes per minute" in problem["detail"]


async def test_reads_are_not_limited(limited_client):
    for _ in range(10):
        assert (await limited_client.get("/agencies")).status_code == 200


async def test_no_limit_when_it_is_set_to_zero(database_url, settings):
    unlimited = msgspec.structs.replace(settings, write_rate_limit=0)
    async with AsyncTestClient(create_app(unlimited, database_url)) as client:
        client.headers.update(bearer())
        for n in range(5):
            assert (await append(client, f"agency-b{n}", agency(f"b{n}"))).status_code == 201
