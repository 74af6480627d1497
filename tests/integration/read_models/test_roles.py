"""An agency's part in its entries (``role``) on the timeline and ``/statements``, and the
agency counts that say which statements are its own and which were made at its meetings."""

from __future__ import annotations

import pytest

from service.http.read_params import AGENCY_ROLES
from tests.factories import append, evidence, given_registered, new_id
from tests.integration.read_models.conftest import catch_up, get_json

AGENCIES = ("mss", "pipc")


async def test_pipc_can_be_asked_for_its_own_statements_apart_from_those_at_its_roundtable(api):
    own = (await get_json(api, "/statements", agency="pipc", role="speaker"))["statements"]
    assert [s["statement_id"] for s in own] == ["pipc-ko-hak-soo-open-source-remarks"]
    hosted = (await get_json(api, "/statements", agency="pipc", role="host"))["statements"]
    assert {s["meeting_id"] for s in hosted} == {"pipc-ai-startup-roundtable"}
    assert len(hosted) == 4
    every = (await get_json(api, "/statements", agency="pipc"))["statements"]
    assert {s["statement_id"] for s in every} == {s["statement_id"] for s in own + hosted}


async def test_each_role_keeps_exactly_the_timeline_entries_where_the_agency_has_it(api):
    for agency in AGENCIES:
        every = (await get_json(api, f"/agencies/{agency}/timeline"))["entries"]
        for role in AGENCY_ROLES:
            kept = (await get_json(api, f"/agencies/{agency}/timeline", role=role))["entries"]
            assert [e["event_id"] for e in kept] == [
                e["event_id"] for e in every if role in e["roles"]
            ], (agency, role)
    assert (await get_json(api, "/agencies/pipc/timeline", role="organiser"))["entries"][0][
        "subject"] == {"kind": "meeting", "id": "pipc-ai-startup-roundtable"}


async def test_a_role_pages_its_own_list(api):
    first = await get_json(api, "/agencies/pipc/timeline", role="host", limit=2)
    assert len(first["entries"]) == 2 and first["next_cursor"]
    rest = await get_json(
        api, "/agencies/pipc/timeline", role="host", limit=2, cursor=first["next_cursor"]
    )
    assert all("host" in e["roles"] for e in rest["entries"])
    other = await api.get(
        "/agencies/pipc/timeline", params={"role": "speaker", "cursor": first["next_cursor"]}
    )
    assert (other.status_code, other.json()["type"]) == (400, "/problems/invalid-cursor")


@pytest.mark.parametrize(
    ("path", "params"), [("/agencies/pipc/timeline", {}), ("/statements", {"agency": "pipc"})]
)
async def test_an_unknown_role_is_a_400_problem(api, path, params):
    response = await api.get(path, params={**params, "role": "visitor"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/invalid-role"
    assert "speaker" in response.json()["detail"]


async def test_a_role_without_an_agency_is_any_agencys_part(api):
    for role in ("speaker", "host"):
        any_agency = (await get_json(api, "/statements", role=role))["statements"]
        each = set()
        for agency in AGENCIES:
            listed = await get_json(api, "/statements", agency=agency, role=role)
            each |= {s["statement_id"] for s in listed["statements"]}
        assert {s["statement_id"] for s in any_agency} == each, role
    every = (await get_json(api, "/statements"))["statements"]
    hosted = (await get_json(api, "/statements", role="host"))["statements"]
    assert len(hosted) == len([s for s in every if s["meeting_id"]])  # every meeting has a host


async def test_the_agency_counts_say_which_statements_are_its_own(api):
    agencies = {a["agency_id"]: a for a in (await get_json(api, "/agencies"))["agencies"]}
    pipc = agencies["pipc"]["counts"]
    assert (pipc["statements"], pipc["statements_spoken"], pipc["statements_at_its_meetings"]) == (
        5, 1, 4,
    )
    for agency in AGENCIES:
        counts = agencies[agency]["counts"]
        for field, role in (("statements_spoken", "speaker"), ("statements_at_its_meetings", "host")):
            listed = await get_json(api, "/statements", agency=agency, role=role)
            assert counts[field] == len(listed["statements"]), (agency, field)
        assert (await get_json(api, f"/agencies/{agency}"))["counts"] == counts


async def test_the_schema_documents_role_with_its_values(api):
    schema = (await get_json(api, "/schema/openapi.json"))["paths"]
    for path in ("/agencies/{agency_id}/timeline", "/statements"):
        role = next(p for p in schema[path]["get"]["parameters"] if p["name"] == "role")
        assert role["in"] == "query"
        assert role["schema"]["enum"] == list(AGENCY_ROLES)
        assert role["description"]


async def test_a_meeting_is_on_the_timeline_of_each_agency_named_among_its_attendees(api, pool):
    await given_registered(api)
    event_id = new_id()
    meeting = {
        "id": event_id,
        "type": "meeting.held",
        "data": {
            "meeting_id": "test-ministry-briefing", "organiser": "test-ministry",
            "title_ko": "시험 회의", "kind": "briefing", "occurred": {"date": "2025-03-04"},
            "attendees": [{"kind": "agency", "id": "pipc"}, {"kind": "person", "id": "oh-young-ju"}],
            "evidence": evidence(),
        },
    }
    response = await append(api, "meeting-test-ministry-briefing", meeting)
    assert response.status_code == 201, response.text
    await catch_up(pool)
    attended = (await get_json(api, "/agencies/pipc/timeline", role="attendee"))["entries"]
    assert [(e["event_id"], e["roles"]) for e in attended] == [(event_id, ["attendee"])]
    organised = (await get_json(api, "/agencies/pipc/timeline", role="organiser"))["entries"]
    assert event_id not in {e["event_id"] for e in organised}
    host = (await get_json(api, "/agencies/test-ministry/timeline", role="organiser"))["entries"]
    assert [e["event_id"] for e in host] == [event_id]
    # Not through its people: the minister of mss attended, mss did not.
    mss = (await get_json(api, "/agencies/mss/timeline"))["entries"]
    assert event_id not in {e["event_id"] for e in mss}
    pipc = next(a for a in (await get_json(api, "/agencies"))["agencies"] if a["agency_id"] == "pipc")
    assert pipc["counts"]["meetings_organised"] == 1
