"""A meeting's place (added to meeting.held with a default): stored events still decode without
one, and a correction quoting a source that names the place shows it on every read model."""

from __future__ import annotations

import pytest

import events
from service.queries.meetings import get_meeting
from service.queries.timeline import timeline_page

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


def roundtable_entry(page):
    return next(e for e in page.entries if e.subject.id == "pipc-ai-startup-roundtable")


async def test_meetings_stored_without_a_place_show_none(connection, seeded_log):
    assert (await get_meeting(connection, "pipc-ai-startup-roundtable")).place is None
    assert roundtable_entry(await timeline_page(connection, "pipc")).place is None


async def test_a_correction_sets_the_place_of_a_meeting(connection, seeded_log):
    await register_report(seeded_log)
    target = seeded_log.event_of(PIPC_ROUNDTABLE).id
    await seeded_log.append(PIPC_ROUNDTABLE, "fact.corrected", {
        "target": str(target), "changes": {"place": PLACE},
        "reason": "another report names the place",
        "evidence": [{"source_id": REPORT_ID, "quote": PLACE_QUOTE}],
    })
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
