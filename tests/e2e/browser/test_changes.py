"""The page as the log grows: a correction shows as such, and the as-of control shows the value
before it; an event appended through the API appears without a reload (Server-Sent Events)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta

import httpx
from playwright.sync_api import expect

from events.seed import SOURCE_ID, load_seed
from tests.e2e.browser import screenshots
from tests.tokens import WRITER, bearer

ROUNDTABLE_STREAM = "meeting-pipc-ai-startup-roundtable"
CORRECTED_TITLE = "AI 스타트업 간담회 (오픈소스 AI)"


def append(service: str, stream_id: str, type_: str, data: dict, expected="any") -> dict:
    """Append one event with the test writer's token; its answer once the read models have it."""
    event_id = str(uuid.uuid4())
    answer = httpx.post(
        f"{service}/streams/{stream_id}/events",
        headers=bearer(WRITER),
        json={"expected_version": expected, "events": [{"id": event_id, "type": type_, "data": data}]},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    position = answer.json()["position"]
    folded = httpx.get(f"{service}/agencies/pipc?min_position={position}", timeout=10)
    assert folded.status_code == 200, folded.text
    return {"event_id": event_id, "position": position}


def recorded_at(service: str, event_id: str) -> datetime:
    event = httpx.get(f"{service}/events/{event_id}", timeout=10).json()
    return datetime.fromisoformat(event["recorded_at"])


def roundtable(page):
    return page.locator("li.entry[data-type='meeting.held']")


def test_a_correction_shows_as_such_and_as_of_before_it_shows_the_old_title(page, service):
    target = next(e for e in load_seed() if e.stream_id == ROUNDTABLE_STREAM)
    correction = append(service, ROUNDTABLE_STREAM, "fact.corrected", {
        "target": str(target.id),
        "changes": {"title_ko": CORRECTED_TITLE},
        "reason": "기사 제목에 맞춘 정정 (test)",
        "evidence": [{"source_id": SOURCE_ID, "quote": "개인정보위, 오픈소스 AI 활성화 지원"}],
    })
    page.goto("/?agency=pipc")
    entry = roundtable(page)
    expect(entry.locator(".title")).to_have_text(CORRECTED_TITLE)
    expect(entry.locator("summary .badge.state-corrected")).to_be_visible()
    entry.locator("summary").click()
    # The seed's two errata of the roundtable's summaries are listed first, then this correction.
    expect(entry.locator(".amendment.corrected")).to_have_count(3)
    amendment = entry.locator(".amendment.corrected").last
    expect(amendment).to_contain_text("기사 제목에 맞춘 정정")
    expect(amendment.locator("del")).to_have_text("AI 스타트업 간담회")
    expect(amendment.locator("ins")).to_have_text(CORRECTED_TITLE)
    screenshots.save(page, "corrected")

    before = recorded_at(service, correction["event_id"]) - timedelta(milliseconds=1)
    page.get_by_label(re.compile("As of")).fill(before.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23])
    page.get_by_role("button", name=re.compile("Apply")).click()
    expect(page.locator(".notice.as-of")).to_be_visible()
    expect(roundtable(page).locator(".title")).to_have_text("AI 스타트업 간담회")
    expect(roundtable(page).locator(".amendment.corrected")).to_have_count(2)
    expect(roundtable(page).locator(".amendment", has_text="기사 제목에 맞춘 정정")).to_have_count(0)
    screenshots.save(page, "as-of")


def _statement(statement_id: str, text: str) -> dict:
    return {
        "statement_id": statement_id,
        "speaker": {"kind": "agency", "id": "pipc"},
        "meeting": "pipc-ai-startup-roundtable",
        "kind": "remark",
        "text": text,
        "occurred": {"date": "2025-03-24"},
        "evidence": [{"source_id": SOURCE_ID, "quote": "개인정보위는 간담회 논의 결과를 바탕으로"}],
    }


def _appears_without_reload(page, text: str, append_it) -> None:
    page.goto("/?agency=pipc")
    expect(page.locator("li.entry").first).to_be_visible()
    page.evaluate("window.notReloaded = true")
    append_it()
    expect(page.locator("li.entry .title", has_text=text)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.notReloaded === true")


def test_the_page_follows_the_live_contract(page, service):
    """The page's side of ``GET /events/live`` (event name = type, data = the event JSON, id =
    cursor) with that stream stubbed; the event itself is appended through the API. The stub
    holds the page's request open until the event is appended."""
    waiting = []
    page.context.route("**/events/live", lambda route: waiting.append(route))
    text = "라이브 계약 시험 발언"

    def append_it():
        for _ in range(100):
            if waiting:
                break
            page.wait_for_timeout(100)
        assert waiting, "the page did not open GET /events/live"
        appended = append(service, "statement-pipc-live-contract", "statement.made",
                          _statement("pipc-live-contract", text), expected="no_stream")
        data = json.dumps({"event_id": appended["event_id"], "type": "statement.made",
                           "position": appended["position"]})
        waiting.pop(0).fulfill(status=200, headers={"content-type": "text/event-stream"},
                               body=f"id: cursor-1\nevent: statement.made\ndata: {data}\n\n")

    _appears_without_reload(page, text, append_it)


def test_an_event_appended_through_the_api_appears_without_a_reload(page, service):
    """End to end through the service's own ``GET /events/live``."""
    text = "라이브 시험 발언"
    _appears_without_reload(page, text, lambda: append(
        service, "statement-pipc-live-test", "statement.made",
        _statement("pipc-live-test", text), expected="no_stream"))
