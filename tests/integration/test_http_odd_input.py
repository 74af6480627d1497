"""Odd input is a 4xx problem document, never a 500: a NUL character in a query parameter or in
the path, dates at the edges of the calendar (years 1 and 9999), and static files that do not
exist (answered without the folder they are served from)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.http.schema_viewer import ASSETS
from service.web import STATIC
from tests.integration.read_models.conftest import seeded_log  # noqa: F401

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


def is_page(path: str) -> bool:
    """The pages' routes answer errors as pages (issue 21), the API as problem documents."""
    return path.startswith(("/?", "/static/")) or "/view" in path


def assert_error(path: str, response, status: int, slug: str) -> str:
    """The problem's detail, from a problem document or, on a page's route, an error page."""
    if not is_page(path):
        return assert_problem(response, status, slug)["detail"]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "NUL" in response.text
    return response.text


@pytest.mark.parametrize("path", NUL_INPUT)
async def test_a_nul_in_a_query_parameter_or_the_path_is_a_400_problem(client, pool, path):
    detail = assert_error(path, await client.get(path), 400, "nul-character")
    assert "\x00" not in detail
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
    assert_error(path if path != "/" else "/?", response, 400, "nul-character")


EDGES = [
    ("/agencies/mss/timeline?from=0001", 200),
    ("/agencies/mss/timeline?from=0001-01-01&to=0001-01-01", 200),
    ("/agencies/mss/timeline?to=0001", 200),
    ("/agencies/mss/timeline?from=9999-12-31", 200),
    ("/agencies/mss/timeline?from=0001&to=9999-12-31", 200),
    ("/agencies/mss/timeline?from=0001&format=csv", 200),
    ("/agencies/mss/timeline?from=0001&to=9999&format=ics", 200),
    ("/agencies/mss/timeline?from=0001&format=timelinejs", 200),
    ("/agencies/mss/timeline?as_of=9999-12-31T23:59:59Z", 200),
    ("/statements?as_of=0001-01-01T00:00:00Z", 200),
    ("/agencies?as_of=9999-12-31T23:59:59.999999Z", 200),
    ("/?agency=mss&as_of=9999-12-31T23:59", 200),
    ("/?as_of=0001-01-01T00:00", 200),
    # Before the agency was registered, there is none to show.
    ("/agencies/mss/timeline?as_of=0001-01-01T00:00:00Z", 404),
    # A year 0, or an instant that falls outside years 1 to 9999 in UTC, is no date.
    ("/agencies/mss/timeline?from=0000", 400),
    ("/agencies/mss/timeline?to=10000", 400),
    ("/statements?as_of=0001-01-01T00:00:00%2B01:00", 400),
    ("/statements?as_of=9999-12-31T23:59:59-01:00", 400),
]


@pytest.mark.parametrize(("path", "status"), EDGES)
async def test_dates_at_the_edges_of_the_calendar_answer(api, path, status):
    response = await api.get(path)
    assert response.status_code == status, response.text
    if status == 200 and "format" not in path and not path.startswith("/?"):
        assert response.headers["content-type"].startswith("application/json")


@pytest.fixture
async def api(client, seeded_log):  # noqa: F811
    return client


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    years=st.lists(st.integers(1, 9999), min_size=2, max_size=2),
    forms=st.lists(st.sampled_from(["year", "month", "day"]), min_size=2, max_size=2),
)
async def test_any_period_within_years_1_to_9999_answers(api, years, forms):
    first, last = sorted(years)
    start = {"year": f"{first:04}", "month": f"{first:04}-01", "day": f"{first:04}-01-01"}
    end = {"year": f"{last:04}", "month": f"{last:04}-12", "day": f"{last:04}-12-31"}
    response = await api.get(
        "/agencies/mss/timeline", params={"from": start[forms[0]], "to": end[forms[1]]}
    )
    assert response.status_code == 200, response.text
    backwards = await api.get(
        "/agencies/mss/timeline", params={"from": end[forms[1]], "to": start[forms[0]]}
    )
    assert backwards.status_code in (200, 400), backwards.text


MISSING_FILES = [
    "/static/nope.css",
    "/static/%2e",
    "/static/page.css/more",
    "/assets/swagger-ui/nope.js",
    "/assets/swagger-ui/%2e",
    "/assets/swagger-ui/swagger-ui.css/more",
]


@pytest.mark.parametrize("path", MISSING_FILES)
async def test_a_missing_static_file_is_a_404_that_names_no_folder(client, path):
    body = assert_problem(await client.get(path), 404, "not-found")
    for folder in (STATIC, ASSETS):
        assert str(folder.parent) not in body["detail"]
    assert body["detail"] == f"no file at {unquote(path)}"


async def test_static_files_are_still_served(client):
    for path in ("/static/page.css", "/static/page.js", "/assets/swagger-ui/swagger-ui.css"):
        response = await client.get(path)
        assert response.status_code == 200, path


@pytest.mark.parametrize("day", ["0001-01-01", "0001", "9999-12-31", "9999-12", "9999"])
async def test_facts_dated_at_the_edges_of_the_calendar_show_everywhere(api, seeded_log, day):  # noqa: F811
    meeting = {
        **seeded_log.data_of("meeting-mss-workforce-policy-review"),
        "meeting_id": "edge-of-time", "title_ko": "달력 끝의 회의", "occurred": {"date": day},
    }
    await seeded_log.append("meeting-edge-of-time", "meeting.held", meeting)
    for path in ("/agencies/mss/timeline", "/?agency=mss", "/agencies/mss/feed.atom",
                 *(f"/agencies/mss/timeline?format={f}" for f in ("csv", "ics", "timelinejs"))):
        response = await api.get(path)
        assert response.status_code == 200, (path, response.text)
        assert "달력 끝의 회의" in response.text, path
