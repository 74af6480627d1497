"""The iCalendar export of an agency's meetings, read back with the icalendar library."""

from __future__ import annotations

from datetime import date

import icalendar

from tests.integration.exports.conftest import REVIEW_MEETING, ROUNDTABLE
from tests.integration.read_models.test_places import PLACE, set_place


async def calendar(api, agency_id: str, **params) -> tuple[icalendar.Calendar, bytes]:
    response = await api.get(f"/agencies/{agency_id}/timeline", **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content), response.content


def only_event(parsed: icalendar.Calendar) -> icalendar.Event:
    [event] = parsed.walk("VEVENT")
    return event


async def test_the_pipc_roundtable_is_one_day_as_a_date(api, seeded_log):
    parsed, _content = await calendar(api, "pipc", headers={"Accept": "text/calendar"})
    event = only_event(parsed)
    assert str(event["UID"]) == str(seeded_log.event_of(ROUNDTABLE).id)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (type(start), start, end) == (date, date(2025, 3, 24), date(2025, 3, 25))
    assert str(event["SUMMARY"]) == "AI 스타트업 간담회 / AI startup roundtable"
    assert "TRANSP" not in event
    assert "LOCATION" not in event  # no source names its place
    assert "개인정보보호위원회" in str(parsed["X-WR-CALNAME"])


async def test_the_mss_review_meeting_known_to_the_month_spans_march(api, seeded_log):
    parsed, _ = await calendar(api, "mss", params={"format": "ics"})
    event = only_event(parsed)  # the plan and the statements are not meetings
    assert str(event["UID"]) == str(seeded_log.event_of(REVIEW_MEETING).id)
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2025, 3, 1), date(2025, 4, 1))
    description = str(event["DESCRIPTION"])
    assert "known only to the month" in description and "approximate" in description
    assert "최근" in description
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["SUMMARY"]).startswith("인력정책 방향 점검 회의 / ")


async def test_lines_are_folded_at_75_octets_and_end_in_crlf(api):
    _, content = await calendar(api, "mss", params={"format": "ics"})
    assert content.endswith(b"END:VCALENDAR\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the description is long
    for line in lines:
        line.decode("utf-8")  # no UTF-8 character split across a fold


async def test_a_type_filter_without_meetings_gives_an_empty_calendar(api):
    parsed, _ = await calendar(api, "mss", params={"format": "ics", "type": "statement.made"})
    assert parsed.walk("VEVENT") == []


async def test_a_meetings_place_is_its_location_with_the_web_address_as_altrep(api, seeded_log):
    url = "https://www.startupall.kr/행사"
    await set_place(seeded_log, {**PLACE, "url": url})
    parsed, content = await calendar(api, "pipc", params={"format": "ics"})
    event = only_event(parsed)
    assert str(event["UID"]) == str(seeded_log.event_of(ROUNDTABLE).id)
    location = event["LOCATION"]
    assert str(location) == "스타트업얼라이언스 (Startup Alliance), Gangnam, Seoul"
    # A URI in a quoted parameter: the Korean path percent-encoded.
    altrep = "https://www.startupall.kr/%ED%96%89%EC%82%AC"
    assert location.params["ALTREP"] == altrep
    # Calendar apps that ignore ALTREP show the link in the description.
    assert f"장소 (place): 스타트업얼라이언스 (Startup Alliance), Gangnam, Seoul <{altrep}>" in str(
        event["DESCRIPTION"]
    )
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))


async def test_a_place_with_delimiters_and_no_web_url_reads_back_as_written(api, seeded_log):
    name = "스타트업얼라이언스; 세미나실, 2층 \\ B동"
    await set_place(seeded_log, {  # as a log written before URLs had to be web addresses
        "name_ko": name, "name_en": "Startup Alliance", "url": 'javascript:alert("x")',
    }, unchecked=True)
    parsed, _ = await calendar(api, "pipc", params={"format": "ics"})
    event = only_event(parsed)
    assert str(event["LOCATION"]) == f"{name} (Startup Alliance)"
    assert "ALTREP" not in event["LOCATION"].params  # not a web address
    assert "javascript" not in str(event["DESCRIPTION"])
