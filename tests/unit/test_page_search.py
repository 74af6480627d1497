"""The page's search box keeps the entries whose texts or quotes contain the words."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import events
from service.queries.timeline import Participant, Subject, TimelineEntry
from service.web.search import matching


def _entry(title: str, quote: str) -> TimelineEntry:
    return TimelineEntry(
        event_id=uuid.uuid4(), position=1, evidence=[events.Evidence(source_id="s", quote=quote)],
        source_ids=["s"], state="active", corrections=[], retraction=None,
        recorded_at=datetime.now(UTC), date="2025-03", precision="month",
        earliest=date(2025, 3, 1), latest=date(2025, 3, 31), approximate=False,
        original_words=None, type="meeting.held", roles=["organiser"],
        subject=Subject(kind="meeting", id="m"), title_ko=title, title_en="Roundtable",
        summary_ko=None, summary_en=None, kind="roundtable", status=None, meeting_id="m",
        participants=[Participant(kind="agency", id="pipc", role="organiser")],
    )


def test_korean_and_english_words_match_titles_and_quotes():
    entries = [_entry("AI 스타트업 간담회", "오픈소스 모델"), _entry("점검 회의", "인재 양성")]
    assert [e.title_ko for e in matching(entries, "간담회")] == ["AI 스타트업 간담회"]
    assert [e.title_ko for e in matching(entries, "인재")] == ["점검 회의"]
    assert len(matching(entries, "roundtable")) == 2
    assert matching(entries, "  ") == entries
    assert matching(entries, "없는말") == []
