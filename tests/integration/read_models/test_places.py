"""A meeting's place (added to meeting.held with a default): stored events still decode without
one, and a correction quoting a source that names the place shows it on every read model and
in the meeting's details on the timeline page."""

from __future__ import annotations

import pytest

import events
from service.queries.meetings import get_meeting
from service.queries.timeline import timeline_page
from tests.integration.read_models.page_entries import EntryDetails, entry_details

PIPC_ROUNDTABLE = "meeting-pipc-ai-startup-roundtable"
# A made-up second report, registered by the test: the seed article names no place.
REPORT_ID = "test-roundtable-report"
REPORT_TEXT = "개인정보위는 24일 오후 서울 강남구 스타트업얼라이언스에서 AI 스타트업 간담회를 열었다."
PLACE_QUOTE = "서울 강남구 스타트업얼라이언스에서 AI 스타트업 간담회를 열었다"
PLACE = {"name_ko": "스타트업얼라이언스", "name_en": "Startup Alliance", "note": "Gangnam, Seoul"}


async def register_report(log) -> None:
    await log.append(f"source-{REPORT_ID}", "source.registered", {
        "source_id": REPORT_ID, "title": "개인정보위 AI 스타트업 간담회 (test)", "language": "ko",
        "text": REPORT_TEXT, "sha256": events.sha256_text(REPORT_TEXT),
    })


async def set_place(log, place: dict, *, unchecked: bool = False) -> None:
    """Correct the PIPC roundtable's place to ``place``, quoting the made-up report (past the
    write side's checks with ``unchecked``, as a log written before a check existed holds it)."""
    await register_report(log)
    await (log.append_unchecked if unchecked else log.append)(PIPC_ROUNDTABLE, "fact.corrected", {
        "target": str(log.event_of(PIPC_ROUNDTABLE).id), "changes": {"place": place},
        "reason": "another report names the place",
        "evidence": [{"source_id": REPORT_ID, "quote": PLACE_QUOTE}],
    })


def roundtable_entry(page):
    return next(e for e in page.entries if e.subject.id == "pipc-ai-startup-roundtable")


async def test_meetings_stored_without_a_place_show_none(connection, seeded_log):
    assert (await get_meeting(connection, "pipc-ai-startup-roundtable")).place is None
    assert roundtable_entry(await timeline_page(connection, "pipc")).place is None


async def test_a_correction_sets_the_place_of_a_meeting(connection, seeded_log):
    await set_place(seeded_log, PLACE)
    expected = events.Place(**PLACE)
    meeting = await get_meeting(connection, "pipc-ai-startup-roundtable")
    assert (meeting.place, meeting.state) == (expected, "corrected")
    assert meeting.corrections[-1].previous == {"place": None}
    entry = roundtable_entry(await timeline_page(connection, "pipc"))
    assert entry.place == expected
    # Statements made there carry no place of their own.
    statements = [e for e in (await timeline_page(connection, "pipc")).entries if e.type == "statement.made"]
    assert statements and all(e.place is None for e in statements)


async def test_a_place_needs_both_names(seeded_log):
    seed = seeded_log.event_of(PIPC_ROUNDTABLE)
    meeting = events.decode_event(seed.type, seed.data)
    assert meeting.place is None
    with pytest.raises(events.InvalidEvent, match="name_en"):
        events.apply_changes(meeting, {"place": {"name_ko": "스타트업얼라이언스"}})


async def roundtable_details(client, seeded_log) -> EntryDetails:
    details = await entry_details(client, "pipc", seeded_log.event_of(PIPC_ROUNDTABLE).id)
    assert dict(details.rows)["제목 · Title"].startswith("AI 스타트업 간담회")  # found the entry
    return details


async def test_the_page_shows_a_meetings_place_in_korean_and_english_with_its_link(
    client, seeded_log
):
    before = await roundtable_details(client, seeded_log)
    assert "장소 · Place" not in dict(before.rows)

    url = "https://www.startupall.kr/"
    await set_place(seeded_log, {**PLACE, "url": url})
    details = await roundtable_details(client, seeded_log)
    rows = dict(details.rows)
    assert rows["장소 · Place"] == f"스타트업얼라이언스 (Startup Alliance) Gangnam, Seoul {url}"
    assert "(Startup Alliance)" in details.english  # marked as English
    assert (url, url) in details.links
    # The correction that set it reads as a place, not as JSON (after the seed's erratum of the
    # roundtable's summaries).
    assert details.changes[-1] == f"스타트업얼라이언스 (Startup Alliance), Gangnam, Seoul, {url}"


async def test_a_place_url_that_is_not_a_web_address_is_neither_shown_nor_linked(client, seeded_log):
    url = "javascript:alert(1)"
    note = "<b>3층</b> 세미나실"
    # Appended now, it is refused (tests/integration/test_web_addresses.py); a log written
    # before URLs had to be web addresses reads it as null.
    await set_place(seeded_log, {**PLACE, "note": note, "url": url}, unchecked=True)
    details = await roundtable_details(client, seeded_log)
    # The note is text (escaped); the URL is not there.
    assert dict(details.rows)["장소 · Place"] == f"스타트업얼라이언스 (Startup Alliance) {note}"
    assert all(href != url and text != url for href, text in details.links)
