"""How a request picks a format, the export's limits, and its ETag."""

from __future__ import annotations

import jsonschema
import msgspec
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.http.exports import FORMATS


async def test_json_pages_stay_the_default(api):
    for accept in (None, "*/*", "application/json", "text/html;q=0.9, application/*;q=0.8"):
        headers = {"Accept": accept} if accept else {}
        response = await api.get("/agencies/mss/timeline", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert "next_cursor" in response.json()
        assert response.headers["vary"] == "Accept"


async def test_the_format_parameter_wins_over_accept(api):
    response = await api.get(
        "/agencies/mss/timeline", params={"format": "json"}, headers={"Accept": "text/csv"}
    )
    assert "entries" in response.json()
    response = await api.get(
        "/agencies/mss/timeline", params={"format": "csv"}, headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/csv")


async def test_an_unknown_format_is_a_400_and_an_unacceptable_accept_a_406(api):
    unknown = await api.get("/agencies/mss/timeline", params={"format": "xlsx"})
    assert (unknown.status_code, unknown.json()["type"]) == (400, "/problems/invalid-format")
    unacceptable = await api.get("/agencies/mss/timeline", headers={"Accept": "application/xml"})
    assert unacceptable.status_code == 406
    assert unacceptable.json()["type"] == "/problems/not-acceptable"
    assert unacceptable.headers["content-type"] == "application/problem+json"


async def test_exports_are_not_paged_and_404_for_an_unknown_agency(api):
    paged = await api.get("/agencies/mss/timeline", params={"format": "csv", "limit": 2})
    assert (paged.status_code, paged.json()["type"]) == (400, "/problems/export-not-paged")
    missing = await api.get("/agencies/nobody/timeline", params={"format": "ics"})
    assert (missing.status_code, missing.json()["type"]) == (404, "/problems/agency-not-found")


async def test_an_export_past_the_cap_is_a_422_naming_it(seeded_log, database_url, settings):
    capped = msgspec.structs.replace(settings, max_export_entries=6)
    async with AsyncTestClient(create_app(capped, database_url)) as api:
        over = await api.get("/agencies/mss/timeline", params={"format": "csv"})
        assert over.status_code == 422
        assert (over.json()["type"], over.json()["max_entries"]) == ("/problems/export-too-large", 6)
        narrowed = await api.get(
            "/agencies/mss/timeline", params={"format": "csv", "type": "statement.made"}
        )
        assert narrowed.status_code == 200


async def test_an_export_answers_if_none_match_with_304_until_the_timeline_changes(api, seeded_log):
    for params in ({"format": "csv"}, {"format": "ics"}, {"format": "timelinejs"}):
        first = await api.get("/agencies/mss/timeline", params=params)
        etag = first.headers["etag"]
        again = await api.get("/agencies/mss/timeline", params=params, headers={"If-None-Match": etag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    csv_tag = (await api.get("/agencies/mss/timeline", params={"format": "csv"})).headers["etag"]
    json_tag = (await api.get("/agencies/mss/timeline")).headers["etag"]
    assert csv_tag != json_tag
    await seeded_log.correct(
        "meeting-mss-workforce-policy-review",
        {"title_en": "Workforce policy review meeting"},
        "a better translation",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    changed = await api.get(
        "/agencies/mss/timeline", params={"format": "csv"}, headers={"If-None-Match": csv_tag}
    )
    assert changed.status_code == 200 and b"Workforce policy review meeting" in changed.content


async def test_every_format_answers_as_the_openapi_document_says(api):
    """A client generated from /schema/openapi.json expects each format's media type, and the
    JSON ones' shapes, under the timeline's 200."""
    schema = (await api.get("/schema/openapi.json")).json()
    ok = schema["paths"]["/agencies/{agency_id}/timeline"]["get"]["responses"]["200"]["content"]
    for format_ in FORMATS:
        response = await api.get("/agencies/mss/timeline", params={"format": format_})
        assert response.status_code == 200, format_
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in ok, (format_, media_type, list(ok))
        if media_type == "application/json":
            documented = {**ok[media_type]["schema"], "components": schema["components"]}
            jsonschema.validate(response.json(), documented)
