"""Writes need a bearer token when tokens are configured; reads stay public."""

from __future__ import annotations

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.app import create_app
from tests.factories import agency


@pytest.fixture
async def guarded_client(database_url, settings):
    guarded = msgspec.structs.replace(settings, append_token="append-secret", admin_token="admin-secret")
    async with AsyncTestClient(create_app(guarded, database_url)) as client:
        yield client


async def post_agency(client, headers=None):
    return await client.post(
        "/streams/agency-test-ministry/events", json={"events": [agency()]}, headers=headers or {}
    )


async def test_an_append_without_a_token_is_a_401_problem(guarded_client):
    response = await post_agency(guarded_client)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"] == "/problems/unauthorized"


async def test_an_append_with_a_wrong_token_is_a_403(guarded_client):
    response = await post_agency(guarded_client, {"Authorization": "Bearer guess"})
    assert response.status_code == 403
    assert (await guarded_client.get("/events")).json()["events"] == []


@pytest.mark.parametrize("token", ["append-secret", "admin-secret"])
async def test_the_append_or_admin_token_may_append(guarded_client, token):
    response = await post_agency(guarded_client, {"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


async def test_reads_need_no_token(guarded_client):
    assert (await guarded_client.get("/events")).status_code == 200
