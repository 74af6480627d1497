"""The iCalendar export of an agency's meetings, read back with the icalendar library."""

from __future__ import annotations

from datetime import date

import icalendar

from tests.integration.exports.conftest import REVIEW_MEETING, ROUNDTABLE


async def calendar(api, agency_id: str, **params) -> tuple[icalendar.Calendar, bytes]:
    response = await api.get(f"/agencies/{agency_id}/timeline", **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content), response.content


def only_event(parsed: icalendar.Calendar) -> icalendar.Event:
    [event] = parsed.walk("VEVENT")
    return event


async def test_the_pipc_roundtable_is_one_day_as_a_date(api, seeded_log):
    parsed, content = await calendar(api, "pipc", headers={"Accept": "text/calendar"})
    event = only_event(parsed)
    assert str(event["UID"]) == str(seeded_log.event_of(ROUNDTABLE).id)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (type(start), start, end) == (date, date(2025, 3, 24), date(2025, 3, 25))
    assert str(event["SUMMARY"]) == "AI 스타트업 간담회 / AI startup roundtable"
    assert "TRANSP" not in event
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
