"""Honest failures over HTTP: every answer names its request, every error is a problem
document (a 500 included), HEAD answers wherever GET does, and input an endpoint does not
declare is refused."""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from tests.factories import agency, append, given_registered
from tests.raw_asgi import asgi_request

PROBLEM = "application/problem+json"


async def test_an_unhandled_error_is_a_500_problem_logged_with_its_traceback_and_request_id(
    client, caplog
):
    async def broken(*args, **kwargs):
        raise RuntimeError("a secret internal detail")

    client.app.state.store.read_all = broken
    with caplog.at_level(logging.ERROR, logger="service.http.problems"):
        response = await client.get("/events", headers={"X-Request-ID": "trace-me-1"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == "/problems/internal-error"
    assert body["request_id"] == response.headers["x-request-id"] == "trace-me-1"
    assert "secret" not in response.text and "RuntimeError" not in response.text
    [record] = [r for r in caplog.records if r.name == "service.http.problems"]
    assert "trace-me-1" in record.getMessage() and "GET /events" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/events", 200),
        ("GET", "/nowhere", 404),
        ("DELETE", "/events", 405),
        ("GET", "/events?limit=0", 422),
        ("POST", "/streams/agency-test-ministry/events", 422),
    ],
)
async def test_every_answer_carries_a_request_id_and_a_problem_repeats_it(
    client, method, path, status
):
    response = await client.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == status
    chosen = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", chosen)
    if status >= 400:
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["request_id"] == chosen


@pytest.mark.parametrize(
    ("offered", "kept"),
    [("abc-123.x:y_z", True), ("a" * 128, True), ("a" * 129, False), ("two words", False),
     ("<script>", False), ("", False)],
)
async def test_a_sane_client_request_id_is_kept_and_any_other_replaced(client, offered, kept):
    response = await client.get("/nowhere", headers={"X-Request-ID": offered})
    chosen = response.headers["x-request-id"]
    assert (chosen == offered) is kept
    assert response.json()["request_id"] == chosen
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", chosen)


async def test_each_request_gets_its_own_id(client):
    first, second = (await client.get("/health"), await client.get("/health"))
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def get_paths(event_id: str) -> list[str]:
    return [
        "/events",
        f"/events/{event_id}",
        "/streams/agency-test-ministry",
        "/agencies",
        "/agencies/test-ministry",
        "/agencies/test-ministry/timeline",
        "/agencies/test-ministry/initiatives",
        "/initiatives/test-plan",
        "/meetings/test-meeting",
        "/statements",
        "/statements/someone",
        "/initiatives",
        "/meetings",
        "/people",
        "/organizations",
        "/sources",
        "/people/someone",
        "/organizations/someone",
        "/sources/test-source",
        "/sources/test-source/sentences",
        "/projections",
        "/health",
        "/ready",
        "/schema/openapi.json",
        "/feed.atom",
        "/agencies/test-ministry/feed.atom",
    ]


def template_matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) is not None


async def test_head_answers_like_get_without_a_body_on_every_get_route(client):
    # On the app's own ASGI messages: the test client drops a HEAD answer's body itself.
    registered = agency()
    await append(client, "agency-test-ministry", registered)
    paths = get_paths(registered["id"])
    schema = (await client.get("/schema/openapi.json")).json()
    get_templates = [path for path, item in schema["paths"].items() if "get" in item]
    untested = [
        t for t in get_templates
        if t != "/events/live" and not any(template_matches(t, p) for p in paths)
    ]
    assert untested == []
    # A live stream never ends: its HEAD answers the stream's headers, and ends.
    head = await asgi_request(client, "HEAD", "/events/live")
    assert (head.status, head.body, head.ended) == (200, b"", True)
    assert head.headers["content-type"].startswith("text/event-stream")
    for path in paths:
        got = await asgi_request(client, "GET", path)
        head = await asgi_request(client, "HEAD", path)
        assert head.status == got.status, path
        assert got.ended and head.ended, path
        assert head.body == b"", (path, head.bodies)
        volatile = path in ("/projections", "/ready")  # lags change between two requests
        for header in ("content-type",) if volatile else ("content-type", "content-length", "etag"):
            assert head.headers.get(header) == got.headers.get(header), (path, header)
        if not volatile:
            assert int(head.headers["content-length"]) == len(got.body) > 0, path


async def test_head_answers_if_none_match_with_304(client):
    etag = (await client.get("/events")).headers["etag"]
    assert (await client.head("/events", headers={"If-None-Match": etag})).status_code == 304


async def test_a_405_allows_head_where_it_allows_get(client):
    response = await client.delete("/events")
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


UNDECLARED = {
    "feed": ("GET", "/events?position=0", ["position"]),
    "feed, two": ("GET", "/events?limit=5&sort=desc&zz=1", ["sort", "zz"]),
    "statements": ("GET", "/statements?as_of=2025-01-01T00:00:00Z&bogus=1", ["bogus"]),
    "one event": ("GET", f"/events/{uuid.uuid4()}?verbose=1", ["verbose"]),
    "health": ("GET", "/health?x=1", ["x"]),
    "projections": ("GET", "/projections?name=timeline", ["name"]),
    "append": ("POST", "/streams/agency-test-ministry/events?validate_only=1", ["validate_only"]),
}


@pytest.mark.parametrize(("method", "path", "unknown"), UNDECLARED.values(), ids=UNDECLARED)
async def test_a_query_parameter_the_endpoint_does_not_take_is_a_400_naming_it(
    client, pool, method, path, unknown
):
    response = await client.request(
        method, path, json={"events": [agency()]} if method == "POST" else None
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == "/problems/unknown-parameter"
    assert body["parameters"] == unknown
    assert all(name in body["detail"] for name in unknown)
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


@pytest.mark.parametrize(
    "path",
    ["/statements?as_of=2025-01-01T00:00:00Z&kind=pledge&limit=5",
     "/agencies/test-ministry/timeline?from=2025&to=2025-12&type=initiative.announced",
     "/events?cursor=0-0&limit=5&type=agency.registered&type=initiative.announced"],
)
async def test_the_parameters_an_endpoint_declares_are_taken(client, path):
    await given_registered(client)
    assert (await client.get(path)).status_code in (200, 404)
