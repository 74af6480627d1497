"""A statement made at a meeting may leave out ``occurred``: it then has its meeting's date as
corrected, on every read model, and says so (``date_from: "meeting"``). The seed's errata leave
the statements made at its two meetings that way, so a later report that dates a meeting moves
them too."""

from __future__ import annotations

import uuid

import pytest

import events
from service.queries.meetings import get_meeting
from service.queries.statements import get_statement
from service.queries.timeline import timeline_page
from service.writing import BadFact
from tests.integration.read_models.page_entries import entry_details

MSS_MEETING = "meeting-mss-workforce-policy-review"
AT_THE_MEETING = [
    "mss-review-policies-presented",
    "mss-review-yoo-young-joon-proposal",
    "mss-review-seo-ji-ho-proposal",
]
MINISTER = "mss-review-oh-young-ju-remarks"
# A made-up second report, written for the test (not copied from any publication), that gives
# the meeting's day and names its place.
REPORT_ID = "test-mss-review-report"
REPORT_TEXT = (
    "중소벤처기업부는 2025년 3월 20일 서울 구로구 중소기업 인재개발원 회의실에서 인력정책 방향 점검 회의를"
    " 열었다. 회의에는 AI 스타트업 대표들이 참석했다."
)
DAY_AND_PLACE_QUOTE = "2025년 3월 20일 서울 구로구 중소기업 인재개발원 회의실에서 인력정책 방향 점검 회의를 열었다"
PLACE = {"name_ko": "중소기업 인재개발원", "name_en": "SME Talent Development Institute", "note": "구로구, 서울"}


async def recorded_at(connection, event_id: uuid.UUID):
    return await connection.fetchval("SELECT recorded_at FROM events WHERE event_id = $1", event_id)


def entry(page, subject_id):
    return next(e for e in page.entries if e.subject.id == subject_id)


async def test_the_seeds_statements_at_a_meeting_have_its_date_and_say_so(connection, seeded_log):
    page = await timeline_page(connection, "mss")
    for statement_id in AT_THE_MEETING:
        statement = await get_statement(connection, statement_id)
        assert (statement.date, statement.approximate) == ("2025-03", True)
        assert (statement.date_from, statement.original_words) == ("meeting", "최근")
        listed = entry(page, statement_id)
        assert (listed.date, listed.date_from) == ("2025-03", "meeting")
    minister = await get_statement(connection, MINISTER)
    assert (minister.meeting_id, minister.date_from) == (None, "own")
    roundtable = await timeline_page(connection, "pipc", types=["statement.made"])
    at_roundtable = [e for e in roundtable.entries if e.meeting_id == "pipc-ai-startup-roundtable"]
    assert len(at_roundtable) == 4
    assert {(e.date, e.date_from) for e in at_roundtable} == {("2025-03-24", "meeting")}


async def test_a_later_report_dates_the_meeting_names_its_place_and_moves_its_statements(
    connection, seeded_log
):
    before = await connection.fetchval("SELECT max(recorded_at) FROM events")
    await seeded_log.append(f"source-{REPORT_ID}", "source.registered", {
        "source_id": REPORT_ID, "title": "중기부 인력정책 점검 회의 (test)", "language": "ko",
        "text": REPORT_TEXT, "sha256": events.sha256_text(REPORT_TEXT),
    })
    moved = await seeded_log.append(MSS_MEETING, "fact.corrected", {
        "target": str(seeded_log.event_of(MSS_MEETING).id),
        "changes": {"occurred": {"date": "2025-03-20"}, "place": PLACE},
        "reason": "another report gives the day and the place of the meeting",
        "evidence": [{"source_id": REPORT_ID, "quote": DAY_AND_PLACE_QUOTE}],
    })
    after = await recorded_at(connection, moved)

    # The meeting, on its own read model and on the timeline: the day and the place.
    meeting = await get_meeting(connection, "mss-workforce-policy-review")
    place = events.Place(**PLACE)
    assert (meeting.date, meeting.precision, meeting.place) == ("2025-03-20", "day", place)
    page = await timeline_page(connection, "mss")
    held = entry(page, "mss-workforce-policy-review")
    assert (held.date, held.place) == ("2025-03-20", place)
    assert held.corrections[-1].evidence[0].source_id == REPORT_ID
    # Its statements moved with it, everywhere; the minister's remarks, not made there, did not.
    for statement_id in AT_THE_MEETING:
        assert (entry(page, statement_id).date, entry(page, statement_id).date_from) == (
            "2025-03-20", "meeting"
        )
        statement = await get_statement(connection, statement_id)
        assert (statement.date, statement.precision) == ("2025-03-20", "day")
        assert not statement.approximate
        assert entry(page, statement_id).place is None  # a statement has no place of its own
    [listed] = [s for s in meeting.statements if s.statement_id == AT_THE_MEETING[1]]
    assert (listed.date, listed.date_from) == ("2025-03-20", "meeting")
    assert entry(page, MINISTER).date == "2025-03"
    # Sorted by the new day: after every entry of March at month precision; the measures,
    # built on the meeting, moved with it and follow it (docs/read-models.md).
    order = [e.subject.id for e in page.entries]
    assert order[-5:] == [
        "mss-workforce-policy-review", *AT_THE_MEETING, "mss-ai-startup-competitiveness-measures"
    ]

    # As known before the report: March, approximate, nowhere in particular.
    then = await timeline_page(connection, "mss", as_of=before)
    meeting_then = entry(then, "mss-workforce-policy-review")
    assert (meeting_then.date, meeting_then.place) == ("2025-03", None)
    assert {entry(then, s).date for s in AT_THE_MEETING} == {"2025-03"}
    assert (await get_statement(connection, AT_THE_MEETING[0], as_of=before)).date == "2025-03"
    assert (await get_meeting(connection, "mss-workforce-policy-review", as_of=before)).place is None
    now = await timeline_page(connection, "mss", as_of=after)
    assert {entry(now, s).date for s in AT_THE_MEETING} == {"2025-03-20"}


async def test_a_statements_own_date_wins_over_its_meetings(connection, seeded_log):
    own = "statement-mss-review-seo-ji-ho-proposal"
    await seeded_log.correct(
        own, {"occurred": {"date": "2025-03-05"}}, "a test of an own date", "또한 이 자리에서",
    )
    await seeded_log.correct(
        MSS_MEETING, {"occurred": {"date": "2025-03-20"}}, "a test of a later day",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    statement = await get_statement(connection, own.removeprefix("statement-"))
    assert (statement.date, statement.date_from) == ("2025-03-05", "own")
    follower = await get_statement(connection, AT_THE_MEETING[1])
    assert (follower.date, follower.date_from) == ("2025-03-20", "meeting")


async def test_a_statement_not_at_a_meeting_keeps_a_date(seeded_log):
    with pytest.raises(BadFact, match="occurred"):
        await seeded_log.correct(
            "statement-pipc-ko-hak-soo-open-source-remarks", {"occurred": None}, "a test",
            "고학수 개인정보위 위원장은",
        )


async def test_a_new_statement_at_a_meeting_may_leave_out_its_date(connection, seeded_log):
    data = {**seeded_log.data_of("statement-mss-review-yoo-young-joon-proposal"),
            "statement_id": "test-undated-proposal"}
    del data["occurred"]
    await seeded_log.append("statement-test-undated-proposal", "statement.made", data)
    statement = await get_statement(connection, "test-undated-proposal")
    assert (statement.date, statement.date_from) == ("2025-03", "meeting")


async def test_the_page_says_a_statements_date_is_its_meetings(client, seeded_log):
    stream = "statement-mss-review-yoo-young-joon-proposal"
    follower = await entry_details(client, "mss", seeded_log.event_of(stream).id)
    assert dict(follower.rows)["날짜 · Date"].endswith("회의 날짜를 따름 · the date of its meeting")
    minister = await entry_details(client, "mss", seeded_log.event_of(f"statement-{MINISTER}").id)
    assert "회의 날짜를 따름" not in dict(minister.rows)["날짜 · Date"]


async def statements_in_order(client, limit: int = 100) -> list[tuple[str, str]]:
    """(id, date) of every statement in ``/statements`` order, page by page."""
    listed, params = [], {"limit": limit}
    for _ in range(1000):
        body = (await client.get("/statements", params=params)).json()
        listed += [(s["statement_id"], s["date"]) for s in body["statements"]]
        if body["next_cursor"] is None:
            return listed
        params = {"limit": limit, "cursor": body["next_cursor"]}
    raise AssertionError("no last page within 1000 pages")


async def test_the_statements_at_a_meeting_move_in_the_list_when_its_date_is_corrected(
    client, seeded_log
):
    march = [("mss-review-oh-young-ju-remarks", "2025-03"),
             ("pipc-ko-hak-soo-open-source-remarks", "2025-03")]
    roundtable = [(s, "2025-03-24") for s in (
        "pipc-roundtable-scatter-lab-presentation", "pipc-roundtable-moreh-presentation",
        "pipc-roundtable-elice-group-presentation", "pipc-roundtable-companies-proposals",
    )]
    # Recorded first, and dated March by their meeting: first of the March statements.
    assert await statements_in_order(client) == [
        *((s, "2025-03") for s in AT_THE_MEETING), *march, *roundtable
    ]

    await seeded_log.correct(
        MSS_MEETING, {"occurred": {"date": "2025-03-20"}}, "a test of a later day",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    # Now on a day: after the month's statements, before the 24th's.
    on_the_20th = [(s, "2025-03-20") for s in AT_THE_MEETING]
    assert await statements_in_order(client) == [*march, *on_the_20th, *roundtable]
    assert await statements_in_order(client, limit=2) == [*march, *on_the_20th, *roundtable]

    await seeded_log.correct(
        MSS_MEETING, {"occurred": {"date": "2025-03-28"}}, "a test of a later day again",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    on_the_28th = [(s, "2025-03-28") for s in AT_THE_MEETING]
    assert await statements_in_order(client, limit=1) == [*march, *roundtable, *on_the_28th]
    meeting = (await client.get("/meetings/mss-workforce-policy-review")).json()
    assert [(s["statement_id"], s["date"]) for s in meeting["statements"]] == on_the_28th
