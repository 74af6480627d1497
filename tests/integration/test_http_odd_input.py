"""Odd input is a 4xx problem document, never a 500: a NUL character in a query parameter or in
the path."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st


PROBLEM = "application/problem+json"

NUL_INPUT = [
    "/statements?q=a%00b",
    "/agencies/mss/timeline?q=%00",
    "/agencies/mss/timeline?from=2025%00",
    "/events?type=agency.registered%00",
    "/events?limit=5&cursor=%00",
    "/health?x%00=1",
    "/?q=a%00b",
    "/sources/test-source/view?quote=a%00b",
    "/agencies/te%00st",
    "/meetings/%00",
    "/static/page.css%00.js",
    "/assets/swagger-ui/swagger-ui.css%00",
    "/nowhere%00",
]


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"/problems/{slug}"
    return body


@pytest.mark.parametrize("path", NUL_INPUT)
async def test_a_nul_in_a_query_parameter_or_the_path_is_a_400_problem(client, pool, path):
    body = assert_problem(await client.get(path), 400, "nul-character")
    assert "\x00" not in body["detail"]
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def test_a_nul_in_the_query_of_an_append_stores_nothing(client, pool):
    response = await client.post("/streams/agency-x/events?dry%00run=1", json={"events": []})
    assert_problem(response, 400, "nul-character")
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


async def searchable_lists(client) -> list[str]:
    """Every GET path of the OpenAPI document that takes ``q``, with its ids filled in."""
    schema = (await client.get("/schema/openapi.json")).json()
    return [
        path.replace("{agency_id}", "mss")
        for path, item in schema["paths"].items()
        if any(p["name"] == "q" for p in item.get("get", {}).get("parameters", []))
    ]


async def test_every_list_that_searches_is_covered(client):
    lists = await searchable_lists(client)
    assert "/statements" in lists and "/agencies/mss/timeline" in lists and len(lists) >= 5


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.text(max_size=20), after=st.text(max_size=20), which=st.integers(0, 100))
async def test_any_text_with_a_nul_in_any_lists_q_is_a_400(client, before, after, which):
    lists = [*(await searchable_lists(client)), "/"]
    path = lists[which % len(lists)]
    response = await client.get(path, params={"q": f"{before}\x00{after}"})
    assert_problem(response, 400, "nul-character")
