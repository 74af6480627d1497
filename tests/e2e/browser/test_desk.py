"""A whole desk session in Chromium, as an editor works: sign in, register a made-up article,
see its sentences, register its agency from a selected passage, draft a meeting with a place
from one sentence and a statement made there from a passage of another (its speaker
registered on the way), each checked before it is added; see both on the agency's timeline
with their evidence, correct the meeting's date from the reader's page, retract the
statement, sign out. Then what the desk refuses (a form without its CSRF token, an action
without a session), and a pass with the keyboard only.

The article is fiction, and says so: the Ministry of Examples (가상부) and its minister 홍길순
(a variant of 홍길동, Korean's placeholder name) do not exist.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest
from playwright.sync_api import expect

from events.seed import SOURCE_ID as SEED_SOURCE_ID
from tests.e2e.browser import accessibility, screenshots
from tests.tokens import WRITER

SOURCE_ID = "fiction-ministry-of-examples-2024-11"
TITLE = "[가상 기사] 가상부, 예시시에서 상상력 정책 간담회 개최"
PUBLISHER = "가상일보 (Example Daily, fictional)"
FICTION = "이 기사는 시험을 위해 지어낸 가상의 기사이며, 가상부와 등장인물은 실존하지 않습니다."
HELD = "가상부(Ministry of Examples)는 지난 12일 예시시 상상센터에서 '상상력 정책 간담회'를 열었다."
ATTENDED = "간담회에는 홍길순 가상부 장관과 예시 스타트업 대표 등 10여명이 참석했다."
SAID = '홍길순 장관은 이 자리에서 "모든 정책은 좋은 예시에서 시작된다"라고 말했다.'
DATE_ERRATUM = "[정정] 간담회는 12일이 아니라 13일에 열렸습니다."
SPEAKER_ERRATUM = "[정정] 위 발언은 장관이 아니라 다른 참석자의 발언이었습니다."
TEXT = "\n".join([FICTION, HELD, ATTENDED, SAID, DATE_ERRATUM, SPEAKER_ERRATUM]) + "\n"

AGENCY = "가상부(Ministry of Examples)"
WORDS = "모든 정책은 좋은 예시에서 시작된다"
MEETING_TITLE = "상상력 정책 간담회"

_ENDS_OF_A_DRAG = """([selector, passage]) => {
  const node = document.querySelector(selector).firstChild;
  const at = node.textContent.indexOf(passage);
  const box = (i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect();
  };
  const first = box(at), last = box(at + passage.length - 1);
  return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
}"""


# --- helpers ------------------------------------------------------------------------------------

def query(database_url: str, sql: str, *arguments) -> list:
    """Rows of the module's database (asked from a thread: Playwright's loop runs in this one)."""
    async def fetch() -> list:
        connection = await asyncpg.connect(database_url)
        try:
            return await connection.fetch(sql, *arguments)
        finally:
            await connection.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, fetch()).result(timeout=30)


def stored_events(database_url: str) -> int:
    return query(database_url, "SELECT count(*) FROM events")[0][0]


def watch_for_errors(page) -> list[str]:
    """Script errors and console errors of the page from now on. An answer's HTTP status
    ("Failed to load resource: ... 422") is not one: the test checks the answers it expects."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: errors.append(f"console: {message.text}")
        if message.type == "error" and not message.text.startswith("Failed to load resource")
        else None,
    )
    return errors


def sign_in(page) -> None:
    page.goto("/desk")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to the desk")
    page.get_by_label("토큰 · Token").fill(WRITER)
    page.get_by_role("button", name="로그인 · Sign in").click()
    expect(page.locator(".desk-bar")).to_contain_text("test-writer")


def select_passage(page, sentence: int, passage: str) -> None:
    """Select ``passage`` in the sentence with the mouse, as a person drags over it."""
    selector = f"#s-{sentence} .text"
    page.locator(selector).scroll_into_view_if_needed()
    x0, y0, x1, y1 = page.evaluate(_ENDS_OF_A_DRAG, [selector, passage])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()


def check(page, accepted: str = "would be accepted") -> None:
    page.get_by_role("button", name="확인 · Check").click()
    expect(page.get_by_role("status").filter(has_text=accepted)).to_be_visible()


def group(scope, name: str):
    """A fieldset by its legend."""
    return scope.get_by_role("group", name=re.compile(name))


def landed_recorded(page, coverage: str | None = None) -> None:
    expect(page.locator(".recorded")).to_have_text(re.compile("Recorded"))
    if coverage is not None:
        expect(page.locator("#coverage strong")).to_have_text(coverage)


def entry(page, title: str):
    return page.locator("li.entry").filter(has=page.locator(".title", has_text=title))


# --- the session --------------------------------------------------------------------------------

def test_a_whole_desk_session(page, page_database):
    errors = watch_for_errors(page)
    last_before = query(page_database, "SELECT max(position) FROM events")[0][0]

    # Sign in.
    sign_in(page)

    # Register the made-up article, pasted.
    page.get_by_role("link", name="출처 등록 · Register a source").click()
    page.get_by_label("제목 · Title").fill(TITLE)
    page.get_by_label(re.compile("^ID")).fill(SOURCE_ID)
    page.get_by_label("발행처 · Publisher").fill(PUBLISHER)
    page.get_by_label(re.compile("^발행일 · Published")).fill("2024-11-15")
    page.get_by_label(re.compile("^본문 · Text")).fill(TEXT)
    page.get_by_role("button", name="등록 · Register").click()

    # Its sentences, none recorded yet.
    expect(page).to_have_url(re.compile(f"/desk/sources/{SOURCE_ID}"))
    landed_recorded(page, "0 / 6")
    expect(page.locator("li.sentence")).to_have_count(6)
    expect(page.locator("#s-2 .text")).to_have_text(HELD)
    expect(page.locator("#s-2")).to_contain_text("not yet")
    screenshots.save(page, "desk-source")
    assert accessibility.unnamed_controls(page) == []

    # The agency, from a passage selected in the second sentence.
    select_passage(page, 2, AGENCY)
    bar = page.locator(".selection-bar")
    expect(bar).to_contain_text(f"“{AGENCY}”")
    bar.get_by_role("link").click()
    expect(page.locator("blockquote.passage")).to_have_text(AGENCY)
    page.get_by_role("link", name="기관 등록 · Agency registered").click()
    agency_form = group(page, "^기관 등록 · Agency registered")
    agency_form.get_by_label("이름 (한국어) · Name (Korean)").fill("가상부")
    agency_form.get_by_label("이름 (영어) · Name (English)").fill("Ministry of Examples")
    agency_form.get_by_label("종류 · Kind").select_option(label="부처 · ministry")
    expect(group(agency_form, "Evidence").get_by_label("인용 · Quote").first).to_have_value(AGENCY)
    check(page)
    expect(page.locator(".preview")).to_contain_text("Ministry of Examples")
    agency_id = page.get_by_label("기관 ID · Agency ID").input_value()
    assert agency_id == "ministry-examples"  # proposed from the English name
    page.get_by_role("button", name="추가 · Add", exact=True).click()
    landed_recorded(page, "1 / 6")
    expect(page.locator("#s-2")).to_have_class(re.compile(r"\bcovered\b"))

    # The meeting, with its place, from the whole second sentence.
    page.locator("#s-2").get_by_role("link", name="사실 작성 · Draft a fact").click()
    page.get_by_role("link", name="회의 개최 · Meeting held").click()
    meeting_form = group(page, "^회의 개최 · Meeting held")
    expect(group(meeting_form, "Evidence").get_by_label("인용 · Quote").first).to_have_value(HELD)
    when = group(meeting_form, "^일시 · When")
    expect(when.get_by_label("날짜 · Date")).to_have_value("2024-11-12")  # from "지난 12일"
    expect(page.locator("#date-proposal")).to_contain_text("지난 12일")
    meeting_form.get_by_label("주최 기관 · Organiser").fill(agency_id)
    meeting_form.get_by_label(re.compile(r"^제목 \(한국어\)")).fill(MEETING_TITLE)
    meeting_form.get_by_label(re.compile(r"^제목 \(영어\)")).fill("Imagination Policy Roundtable")
    meeting_form.get_by_label("종류 · Kind", exact=True).first.select_option(label="간담회 · roundtable")
    place = group(meeting_form, "^장소 · Place")
    place.get_by_label("이름 (한국어) · Name (Korean)").fill("예시시 상상센터")
    place.get_by_label("이름 (영어) · Name (English)").fill("Imagination Centre, Example City")
    screenshots.save(page, "desk-draft")
    assert accessibility.unnamed_controls(page) == []
    check(page)
    preview = page.locator(".preview")
    expect(preview).to_contain_text("2024년 11월 12일")
    expect(preview).to_contain_text(MEETING_TITLE)
    expect(preview.locator(".place")).to_have_text("예시시 상상센터 (Imagination Centre, Example City)")
    meeting_id = page.get_by_label("회의 ID · Meeting ID").input_value()
    assert meeting_id == "ministry-examples-imagination-policy-roundtable"
    page.get_by_role("button", name="추가 · Add", exact=True).click()
    landed_recorded(page, "1 / 6")  # the sentence the agency's registration cites already
    expect(page.locator("#s-2 .actions")).to_contain_text("fact 2")

    # The statement, from the words selected in the fourth sentence; its speaker, the
    # minister, registered on the way.
    select_passage(page, 4, WORDS)
    page.locator(".selection-bar").get_by_role("link").click()
    page.get_by_role("link", name="발언 · Statement made").click()
    statement_form = group(page, "^발언 · Statement made")
    speaker = group(statement_form, "^발언자 · Speaker")
    speaker.get_by_label("종류 · Kind", exact=True).first.select_option(label="인물 · Person")
    statement_form.get_by_label(re.compile("^회의 · Meeting")).fill(meeting_id)
    statement_form.locator("#field-kind").select_option(label="발언 · remark")
    statement_form.get_by_label(re.compile(r"^내용 \(한국어\)")).fill(WORDS)
    statement_form.get_by_label("직접 인용 · Verbatim").check()
    page.get_by_text("Register a missing person or organization on the way").click()
    person = group(page, "^인물 등록 · Person registered")
    person.get_by_label("이름 (한국어) · Name (Korean)").fill("홍길순")
    person.get_by_label(re.compile(r"^이름 \(영어\)")).fill("Hong Gil-sun")
    post = group(person, "^소속 · Affiliations")
    post.get_by_label("종류 · Kind").select_option(label="기관 · Agency")
    post.get_by_label("ID", exact=True).fill(agency_id)
    post.get_by_label(re.compile(r"^제목 \(한국어\)")).fill("장관")
    post.get_by_label(re.compile(r"^제목 \(영어\)")).fill("Minister")
    # Checked before the speaker's id is known: the check says it is needed, and proposes
    # the new person's id, kept with what was typed on the way.
    page.get_by_role("button", name="확인 · Check").click()
    problem = page.locator(".problem").first
    expect(problem).to_have_text("발언자 · Speaker: a person speaker needs an id")
    expect(problem.get_by_role("link")).to_have_attribute("href", "#field-speaker")
    person = group(page, "^인물 등록 · Person registered")
    expect(person.get_by_label("이름 (한국어) · Name (Korean)")).to_have_value("홍길순")
    person_id = person.get_by_label("인물 ID · Person ID").input_value()
    assert person_id == "hong-gil-sun"
    group(group(page, "^발언 · Statement made"), "^발언자 · Speaker").get_by_label(
        re.compile("^ID")).first.fill(person_id)
    check(page)
    expect(page.locator(".preview")).to_contain_text(WORDS)
    expect(page.locator(".preview")).to_contain_text(person_id)
    page.get_by_role("button", name="추가 · Add", exact=True).click()
    landed_recorded(page, "2 / 6")
    expect(page.locator("#s-4")).to_have_class(re.compile(r"\bcovered\b"))
    expect(page.locator("#s-3")).to_have_class(re.compile(r"\buncovered\b"))

    # The agency's timeline, on the reader's page: both, the meeting with its evidence.
    page.goto("/")
    page.get_by_role("link", name=re.compile("가상부")).click()
    expect(page.locator("#timeline-title")).to_contain_text("Ministry of Examples")
    expect(page.locator("li.entry")).to_have_count(2)
    expect(entry(page, WORDS)).to_be_visible()
    meeting = entry(page, MEETING_TITLE)
    expect(meeting.locator("summary time")).to_have_attribute("datetime", "2024-11-12")
    meeting.locator("summary").click()
    expect(meeting.locator(".details")).to_contain_text("예시시 상상센터")
    expect(meeting.locator(".details blockquote").first).to_have_text(HELD)
    meeting.get_by_role("link", name=re.compile("View in source")).click()
    expect(page.locator("mark#quote")).to_have_text(HELD)
    expect(page.locator("mark#quote")).to_be_in_viewport()
    page.go_back()
    statement = entry(page, WORDS)
    statement.locator("summary").click()
    expect(statement.locator(".details")).to_contain_text("홍길순")
    statement.get_by_role("link", name=re.compile("View in source")).click()
    expect(page.locator("mark#quote")).to_have_text(WORDS)
    page.go_back()

    # Correct the meeting's date, from the reader's page (offered to a signed-in editor).
    meeting = entry(page, MEETING_TITLE)
    meeting.locator("summary").click()
    meeting.get_by_role("link", name="고치기 · Correct").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("meeting.held")
    when = group(page, "^일시 · When")
    when.get_by_label("날짜 · Date").fill("2024-11-13")
    when.get_by_label(re.compile("^원문 표현")).fill("13일")
    correction = group(page, "^정정 · Fact corrected")
    correction.get_by_label("사유 · Reason").fill("기사의 정정문이 날짜를 13일로 바로잡음")
    evidence = group(correction, "^근거 · Evidence")
    evidence.get_by_label("출처 · Source").first.fill(SOURCE_ID)
    evidence.get_by_label("인용 · Quote").first.fill(DATE_ERRATUM)
    check(page)
    expect(page.locator(".changes")).to_contain_text("2024년 11월 12일")
    expect(page.locator(".changes")).to_contain_text("2024년 11월 13일")
    page.get_by_role("button", name="고치기 · Correct", exact=True).click()
    landed_recorded(page)
    expect(page.locator(".fact-data")).to_contain_text("2024년 11월 13일")

    # Retract the statement, from the reader's page too.
    page.goto(f"/?agency={agency_id}")
    meeting = entry(page, MEETING_TITLE)
    expect(meeting.locator("summary time")).to_have_attribute("datetime", "2024-11-13")
    expect(meeting.locator("summary")).to_contain_text("corrected")
    statement = entry(page, WORDS)
    statement.locator("summary").click()
    statement.get_by_role("link", name="철회 · Retract").click()
    page.get_by_label("사유 · Reason").fill("기사의 정정문: 장관의 발언이 아니었음")
    expect(page.get_by_label("출처 · Source")).to_have_value(SOURCE_ID)  # the fact's own
    page.get_by_label(re.compile("^인용 · Quote")).fill(SPEAKER_ERRATUM)
    check(page)
    page.get_by_role("button", name="철회 · Retract", exact=True).click()
    landed_recorded(page)
    expect(page.locator(".state")).to_contain_text("retracted")
    page.goto(f"/?agency={agency_id}")
    expect(entry(page, WORDS)).to_have_class(re.compile("state-retracted"))

    # The article's sentences as they now stand: the statement's no longer recorded.
    page.goto(f"/desk/sources/{SOURCE_ID}")
    expect(page.locator("#coverage strong")).to_have_text("1 / 6")

    # Sign out: the sign-in page, and the desk no longer knows this browser.
    page.get_by_role("button", name="로그아웃 · Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to the desk")
    assert page.request.get("/desk/me").status == 401
    with page.expect_response(re.compile("/desk/me$")) as asked:
        page.goto(f"/?agency={agency_id}")
    assert asked.value.status == 401
    expect(page.locator("li.entry").first).to_be_visible()
    expect(page.locator(".desk-actions")).to_have_count(0)  # no "correct" nor "retract"

    assert errors == []
    # What the session stored, in order, each appended by the editor's token; nothing of the
    # checks, nor of the check refused.
    appended = query(
        page_database,
        """SELECT type, stream_id, metadata::jsonb ->> 'appended_by' AS editor FROM events
           WHERE position > $1 ORDER BY position""",
        last_before,
    )
    assert [(row["type"], row["stream_id"]) for row in appended] == [
        ("source.registered", f"source-{SOURCE_ID}"),
        ("agency.registered", f"agency-{agency_id}"),
        ("meeting.held", f"meeting-{meeting_id}"),
        ("person.registered", f"person-{person_id}"),
        ("statement.made", "statement-hong-gil-sun-remark"),
        ("fact.corrected", f"meeting-{meeting_id}"),
        ("fact.retracted", "statement-hong-gil-sun-remark"),
    ]
    assert {row["editor"] for row in appended} == {"test-writer"}


# --- what the desk refuses ----------------------------------------------------------------------

def _form_fields() -> dict[str, str]:
    return {"source_id": "refused-source", "title": "거부될 출처", "language": "ko",
            "text": "가상의 문장입니다.\n"}


def test_a_form_posted_without_its_csrf_token_is_refused_and_stores_nothing(page, page_database):
    sign_in(page)
    before = stored_events(page_database)

    answer = page.request.post("/desk/sources", form=_form_fields(), max_redirects=0)

    assert answer.status == 403
    assert stored_events(page_database) == before
    assert page.request.get("/streams/source-refused-source").status == 404


def test_a_desk_action_without_a_session_is_refused_and_stores_nothing(page, page_database):
    page.goto("/desk")  # the sign-in form: a CSRF token, and no session
    token = page.locator("input[name=_csrf_token]").first.get_attribute("value")
    before = stored_events(page_database)

    answer = page.request.post(
        "/desk/sources", form={"_csrf_token": token, **_form_fields()}, max_redirects=0
    )

    assert answer.status == 401
    assert 'action="/desk/sign-in"' in answer.text()
    assert stored_events(page_database) == before


# --- the keyboard only --------------------------------------------------------------------------

def tab_to(page, name: str | re.Pattern, *, limit: int = 400) -> None:
    """Press Tab until the focused element's text (or label) is ``name``."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(f"^{re.escape(name)}$")
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const e = document.activeElement;
              if (!e) return "";
              const label = e.labels && e.labels[0] ? e.labels[0].innerText : "";
              return (label || e.innerText || e.value || "").trim().replace(/\\s+/g, " ");
            }"""
        )
        if pattern.search(focused):
            return
    pytest.fail(f"{pattern.pattern!r} was not reached with {limit} presses of Tab")


def follow(page) -> None:
    """Enter on the focused link or button, and the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_in_and_a_draft_with_the_keyboard_only(page, page_database):
    errors = watch_for_errors(page)
    page.goto("/desk")
    expect(page.get_by_label("토큰 · Token")).to_be_focused()
    page.keyboard.type(WRITER)
    follow(page)
    expect(page.locator(".desk-bar")).to_contain_text("test-writer")

    tab_to(page, re.compile(r"^\[중기부·개인정보위의 AI 스타트업"))
    follow(page)
    expect(page).to_have_url(re.compile(f"/desk/sources/{SEED_SOURCE_ID}"))
    sentence = page.locator("li.sentence").filter(has_text="딥시크(Deepseek)")
    number = sentence.locator(".n").inner_text()
    draft = sentence.get_by_role("link", name="사실 작성 · Draft a fact")
    for _ in range(400):  # Tab to this sentence's own link
        page.keyboard.press("Tab")
        if draft.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached sentence {number}'s 'Draft a fact'")
    follow(page)
    tab_to(page, "단체 등록 · Organization registered")
    follow(page)

    tab_to(page, "이름 (한국어) · Name (Korean)")
    page.keyboard.type("딥시크")
    page.keyboard.press("Tab")
    page.keyboard.type("DeepSeek")
    tab_to(page, "종류 · Kind")
    page.keyboard.press("ArrowDown")  # from "—" to the first kind, company
    expect(page.locator("#field-kind")).to_have_value("company")
    tab_to(page, "확인 · Check")
    follow(page)
    expect(page.get_by_role("status").filter(has_text="would be accepted")).to_be_visible()
    tab_to(page, "추가 · Add")
    follow(page)

    landed_recorded(page)
    covered = page.locator("li.sentence").filter(has_text="딥시크(Deepseek)")
    expect(covered).to_have_class(re.compile(r"\bcovered\b"))
    expect(covered.get_by_role("link", name=re.compile("fact")).first).to_be_visible()
    assert errors == []
