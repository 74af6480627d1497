"""A statement made at a meeting may leave out ``occurred``: it then has its meeting's date as
corrected, on every read model, and says so (``date_from: "meeting"``)."""

from __future__ import annotations

import uuid

import pytest

import events
from service.queries.meetings import get_meeting
from service.queries.statements import get_statement
from service.queries.timeline import timeline_page
from service.writing import BadFact

MSS_MEETING = "meeting-mss-workforce-policy-review"
FOLLOWER = "statement-mss-review-yoo-young-joon-proposal"
OWN_DATE = "statement-mss-review-seo-ji-ho-proposal"
# A made-up second report, registered by the test, that gives the meeting's day.
REPORT_ID = "test-mss-review-report"
REPORT_TEXT = "중소벤처기업부는 2025년 3월 20일 인력정책 방향 점검 회의를 열었다."
DAY_QUOTE = "2025년 3월 20일 인력정책 방향 점검 회의를 열었다"


async def recorded_at(connection, event_id: uuid.UUID):
    return await connection.fetchval("SELECT recorded_at FROM events WHERE event_id = $1", event_id)


def entry(page, subject_id):
    return next(e for e in page.entries if e.subject.id == subject_id)


async def dated_by_meeting(log) -> uuid.UUID:
    return await log.correct(
        FOLLOWER, {"occurred": None}, "it was said at the meeting: its date is the meeting's",
        "유영준 뤼튼테크놀로지스 이사는",
    )


async def test_a_statement_without_a_date_has_its_meetings(connection, seeded_log):
    await dated_by_meeting(seeded_log)
    follower = await get_statement(connection, FOLLOWER.removeprefix("statement-"))
    assert (follower.date, follower.approximate, follower.date_from) == ("2025-03", True, "meeting")
    assert follower.original_words == "최근"
    own = await get_statement(connection, OWN_DATE.removeprefix("statement-"))
    assert own.date_from == "own"
    timeline = entry(await timeline_page(connection, "mss"), FOLLOWER.removeprefix("statement-"))
    assert (timeline.date, timeline.date_from) == ("2025-03", "meeting")


async def test_correcting_the_meetings_date_moves_its_statements_everywhere(connection, seeded_log):
    dated = await dated_by_meeting(seeded_log)
    before = await recorded_at(connection, dated)
    await seeded_log.append(f"source-{REPORT_ID}", "source.registered", {
        "source_id": REPORT_ID, "title": "중기부 인력정책 점검 회의 (test)", "language": "ko",
        "text": REPORT_TEXT, "sha256": events.sha256_text(REPORT_TEXT),
    })
    moved = await seeded_log.append(MSS_MEETING, "fact.corrected", {
        "target": str(seeded_log.event_of(MSS_MEETING).id),
        "changes": {"occurred": {"date": "2025-03-20"}},
        "reason": "another report gives the day of the meeting",
        "evidence": [{"source_id": REPORT_ID, "quote": DAY_QUOTE}],
    })
    after = await recorded_at(connection, moved)
    follower_id = FOLLOWER.removeprefix("statement-")
    own_id = OWN_DATE.removeprefix("statement-")

    page = await timeline_page(connection, "mss")
    assert (entry(page, follower_id).date, entry(page, follower_id).date_from) == (
        "2025-03-20", "meeting"
    )
    assert entry(page, own_id).date == "2025-03", "a statement's own date wins"
    then = await timeline_page(connection, "mss", as_of=before)
    assert entry(then, follower_id).date == "2025-03"
    now = await timeline_page(connection, "mss", as_of=after)
    assert entry(now, follower_id).date == "2025-03-20"
    follower = await get_statement(connection, follower_id)
    assert (follower.date, follower.precision, follower.approximate) == ("2025-03-20", "day", False)
    assert (await get_statement(connection, follower_id, as_of=before)).date == "2025-03"
    meeting = await get_meeting(connection, "mss-workforce-policy-review")
    [listed] = [s for s in meeting.statements if s.statement_id == follower_id]
    assert (listed.date, listed.date_from) == ("2025-03-20", "meeting")
    # Sorted by its new day: after the month-precision statements of March.
    page = await timeline_page(connection, "mss")
    order = [e.subject.id for e in page.entries]
    assert order.index(follower_id) > order.index(own_id)


async def test_a_statement_not_at_a_meeting_keeps_a_date(seeded_log):
    with pytest.raises(BadFact, match="occurred"):
        await seeded_log.correct(
            "statement-pipc-ko-hak-soo-open-source-remarks", {"occurred": None}, "a test",
            "고학수 개인정보위 위원장은",
        )


async def test_a_new_statement_at_a_meeting_may_leave_out_its_date(connection, seeded_log):
    data = {**seeded_log.data_of(FOLLOWER), "statement_id": "test-undated-proposal"}
    del data["occurred"]
    await seeded_log.append("statement-test-undated-proposal", "statement.made", data)
    statement = await get_statement(connection, "test-undated-proposal")
    assert (statement.date, statement.date_from) == ("2025-03", "meeting")
