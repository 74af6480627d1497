"""Writes and replays need a token from the database with the right scope; reads are public."""

from __future__ import annotations

import asyncpg

from service.http import tokens
from tests.factories import agency
from tests.tokens import ADMIN, WRITER, bearer


async def post_agency(client, headers=None, **options):
    return await client.post(
        "/streams/agency-test-ministry/events", json={"events": [agency()]}, headers=headers or {},
        **options,
    )


async def stored_events(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM events")


async def test_an_append_without_a_token_is_a_401_problem_and_stores_nothing(anonymous_client, pool):
    response = await post_agency(anonymous_client)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/unauthorized"
    assert await stored_events(pool) == 0


HOW_TO_APPEND = (
    "`policy-timeline token create --name NAME --scope append` makes one (send it as "
    "`Authorization: Bearer TOKEN`)"
)


async def test_a_401_says_how_to_make_a_token(anonymous_client):
    missing = (await post_agency(anonymous_client)).json()["detail"]
    assert missing == f"this action needs a bearer token: {HOW_TO_APPEND}"
    unknown = (await post_agency(anonymous_client, bearer("pt_guessed"))).json()["detail"]
    assert unknown == f"the bearer token is not valid (unknown or revoked): {HOW_TO_APPEND}"
    locate = await anonymous_client.post("/sources/test-source/locate", json={"quote": "시험"})
    assert locate.json()["detail"] == missing
    replay = await anonymous_client.post("/projections/timeline/replay")
    assert replay.json()["detail"] == (
        "this action needs a bearer token: `policy-timeline token create --name NAME --scope "
        "admin` makes one (send it as `Authorization: Bearer TOKEN`)"
    )


async def test_an_unknown_token_is_a_401(anonymous_client, pool):
    response = await post_agency(anonymous_client, bearer("pt_guessed"))
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]
    assert await stored_events(pool) == 0


async def test_a_revoked_token_no_longer_appends(anonymous_client, pool):
    assert (await post_agency(anonymous_client, bearer(WRITER))).status_code == 201
    await tokens.revoke(pool, "test-writer")
    response = await anonymous_client.post(
        "/streams/agency-test-ministry/events",
        json={"expected_version": "any", "events": [agency()]},
        headers=bearer(WRITER),
    )
    assert response.status_code == 401
    assert await stored_events(pool) == 1


async def test_the_append_scope_may_append_and_the_server_records_who(anonymous_client, pool):
    response = await post_agency(anonymous_client, bearer(WRITER))
    assert response.status_code == 201
    metadata = await pool.fetchval("SELECT metadata ->> 'appended_by' FROM events")
    assert metadata == "test-writer"


async def test_a_client_cannot_claim_who_appended(anonymous_client, pool):
    event = agency()
    event["metadata"] = {"appended_by": "someone-else"}
    response = await anonymous_client.post(
        "/streams/agency-test-ministry/events", json={"events": [event]}, headers=bearer(WRITER)
    )
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/server-metadata"
    assert await stored_events(pool) == 0


async def test_the_admin_scope_may_append_too(anonymous_client, pool):
    assert (await post_agency(anonymous_client, bearer(ADMIN))).status_code == 201
    assert await pool.fetchval("SELECT metadata ->> 'appended_by' FROM events") == "test-admin"


async def test_the_append_scope_may_not_replay(anonymous_client):
    anonymous = await anonymous_client.post("/projections/timeline/replay")
    assert anonymous.status_code == 401
    writer = await anonymous_client.post("/projections/timeline/replay", headers=bearer(WRITER))
    assert writer.status_code == 403
    assert writer.json()["type"] == "/problems/forbidden"
    assert writer.json()["detail"] == (
        "the token 'test-writer' does not have the 'admin' scope: `policy-timeline token create "
        "--name NAME --scope admin` makes one (send it as `Authorization: Bearer TOKEN`)"
    )


async def test_a_text_plain_body_is_refused_with_415(anonymous_client, pool):
    """A form or fetch() with text/plain needs no CORS preflight: a web page must not be able
    to post facts through a visitor's browser."""
    response = await anonymous_client.post(
        "/streams/agency-test-ministry/events",
        content=b'{"events": []}',
        headers={**bearer(WRITER), "content-type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json()["type"] == "/problems/unsupported-media-type"
    assert await stored_events(pool) == 0


async def test_cors_is_off_unless_configured(anonymous_client):
    response = await anonymous_client.options(
        "/streams/agency-test-ministry/events",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers


async def test_reads_need_no_token(anonymous_client):
    assert (await anonymous_client.get("/events")).status_code == 200
    assert (await anonymous_client.get("/agencies")).status_code == 200
