"""The desk's fact forms in Chromium, under the service's Content-Security-Policy: what the
browser submits from a drawn form is the fact again, and desk.js adds and removes rows (from
the keyboard too) and keeps a reference to the kind its row names.

The forms are drawn by the templates alone (no service, no database): a small server in this
process answers the page and the static files with the service's own security headers."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import jinja2
import msgspec
import pytest
from playwright.sync_api import expect

import events
from events.seed import load_seed
from service.http.security_headers import HEADERS, POLICY
from service.web import STATIC, TEMPLATES, forms
from tests.e2e.browser.conftest import CHROMIUM

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
    lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)
PAGE = ENVIRONMENT.from_string("""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>desk</title>
<link rel="stylesheet" href="/static/page.css"><link rel="stylesheet" href="/static/forms.css">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml"></head>
<body><main>
{% from "_fact_form.html" import fact_form, datalists %}
<form id="fact" method="post" action="/">{{ fact_form(form, values, {}) }}{% if new %}{{ fact_form(new, {}, {}) }}{% endif %}</form>
{{ datalists(form, entities) }}
</main><script src="/static/desk.js" defer></script></body></html>""")
ENTITIES = {
    "agency": [("mss", "중소벤처기업부"), ("pipc", "개인정보보호위원회")],
    "person": [("oh-young-ju", "오영주"), ("ko-hak-soo", "고학수")],
    "organization": [("moreh", "모레")],
}
SEED = {s.stream_id: s for s in reversed(load_seed())}  # the first event of each stream
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective));
"""


class Pages:
    """The pages this module's server answers: path -> HTML."""

    def __init__(self) -> None:
        self.html: dict[str, str] = {}

    def add(self, path: str, event_type: str, values: dict | None = None, new: bool = False) -> str:
        form = forms.form_for(event_type)
        self.html[path] = PAGE.render(
            form=form, values=values or {}, entities=ENTITIES,
            new=forms.on_the_way_form(form) if new else None,
        )
        return path


@pytest.fixture(scope="module")
def pages() -> Pages:
    return Pages()


@pytest.fixture(scope="module")
def origin(pages: Pages) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path.startswith("/static/"):
                file = STATIC / Path(path).name
                body = file.read_bytes() if file.is_file() else None
                kind = {".css": "text/css", ".svg": "image/svg+xml"}.get(Path(path).suffix, "text/javascript")
            else:
                text = pages.html.get(path)
                body, kind = (text.encode() if text is not None else None), "text/html; charset=utf-8"
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Security-Policy", POLICY)
            for name, value in HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, origin: str) -> Iterator[object]:
    context = chromium.new_context(base_url=origin, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert page.evaluate("window.__violations") == []
    assert errors == []
    context.close()


def submitted(page) -> dict[str, list[str]]:
    """What the browser would post: FormData of the form, as name -> values."""
    pairs = page.evaluate("Array.from(new FormData(document.getElementById('fact')).entries())")
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


FACTS = [
    "meeting-mss-workforce-policy-review",
    "statement-pipc-roundtable-companies-proposals",  # a group speaker: no id
    "statement-pipc-ko-hak-soo-open-source-remarks",
    "person-seo-ji-ho",
    "initiative-mss-ai-startup-competitiveness-measures",
]


@pytest.mark.parametrize("stream_id", FACTS)
def test_what_the_browser_submits_from_a_drawn_fact_is_the_fact(page, pages, stream_id):
    seed = SEED[stream_id]
    path = pages.add(f"/fact/{stream_id}", seed.type, msgspec.json.decode(seed.data))
    page.goto(path)
    page.wait_for_load_state("load")
    data = forms.event_data(forms.form_for(seed.type), submitted(page))
    assert events.convert_event(seed.type, data) == events.decode_event(seed.type, seed.data)


def test_rows_are_added_and_removed_from_the_keyboard(page, pages):
    page.goto(pages.add("/meeting", "meeting.held"))
    attendees = page.locator('fieldset[data-list="attendees"]')
    add = attendees.locator(":scope > [data-add]")
    expect(add).to_be_visible()
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[name="attendees.1.kind"]')).to_be_focused()
    expect(attendees.locator(":scope > [data-list-status]")).to_have_text("행을 추가했습니다. Row added.")
    page.keyboard.press("Space")  # nothing breaks the keyboard's way through the row
    page.locator('[name="attendees.1.kind"]').select_option("person")
    person = page.locator('[name="attendees.1.id"]')
    expect(person).to_have_attribute("list", "refs-person")
    person.fill("oh-young-ju")
    first = attendees.locator('[data-row="0"] [data-remove]')
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[name="attendees.0.kind"]')).to_have_count(0)
    expect(page.locator('[name="attendees.1.kind"]')).to_be_focused()
    # Added after a removal: numbered after the highest, never reusing a name.
    add.click()
    expect(page.locator('[name="attendees.2.id"]')).to_have_count(1)
    page.locator('[name="attendees.2.kind"]').select_option("agency")
    page.locator('[name="attendees.2.id"]').fill("mss")
    data = forms.event_data(forms.form_for("meeting.held"), submitted(page))
    assert data["attendees"] == [{"kind": "person", "id": "oh-young-ju"}, {"kind": "agency", "id": "mss"}]


def test_a_group_speaker_takes_no_id_and_a_person_suggests_people(page, pages):
    page.goto(pages.add("/statement", "statement.made"))
    speaker_id = page.locator('[name="speaker.id"]')
    expect(speaker_id).to_have_attribute("list", "refs-agency-organization-person")
    page.locator('[name="speaker.kind"]').select_option("group")
    expect(speaker_id).to_be_disabled()
    page.locator('[name="speaker.kind"]').select_option("person")
    expect(speaker_id).to_be_enabled()
    expect(speaker_id).to_have_attribute("list", "refs-person")
    options = page.locator("#refs-person option")
    expect(options).to_have_count(2)


def test_a_list_inside_an_added_row_numbers_its_own_rows(page, pages):
    page.goto(pages.add("/statement-new", "statement.made", new=True))
    people = page.locator('fieldset[data-list="new.person"]')
    people.locator(":scope > [data-add]").click()
    expect(page.locator('[name="new.person.1.person_id"]')).to_be_focused()  # its first field
    added = people.locator('[data-row="1"]')
    affiliations = added.locator('fieldset[data-list="new.person.1.affiliations"]')
    affiliations.locator(":scope > [data-add]").click()
    expect(page.locator('[name="new.person.1.affiliations.1.kind"]')).to_be_focused()
    for label in added.locator("label").all():
        target = label.get_attribute("for")
        assert page.locator(f'[id="{target}"]').count() == 1, target
    page.locator('[name="new.person.1.name_ko"]').fill("오영주")
    page.locator('[name="new.person.1.name_en"]').fill("Oh Young-ju")
    page.locator('[name="new.person.1.affiliations.1.kind"]').select_option("agency")
    page.locator('[name="new.person.1.affiliations.1.id"]').fill("mss")
    page.locator('[name="new.person.1.affiliations.1.title_ko"]').fill("장관")
    found = forms.registrations(forms.form_for("statement.made"), submitted(page))
    assert found == [("person.registered", {
        "person_id": "oh-young-ju", "name_ko": "오영주", "name_en": "Oh Young-ju",
        "affiliations": [{"kind": "agency", "id": "mss", "title_ko": "장관"}],
    })]


def test_without_script_the_buttons_are_hidden_and_an_empty_row_is_there_to_fill(chromium, origin, pages):
    context = chromium.new_context(base_url=origin, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(pages.add("/meeting-no-script", "meeting.held"))
        expect(page.locator("[data-add]").first).to_be_hidden()
        expect(page.locator("[data-remove]").first).to_be_hidden()
        page.locator('[name="attendees.0.kind"]').select_option("person")
        page.locator('[name="attendees.0.id"]').fill("ko-hak-soo")
        data = forms.event_data(forms.form_for("meeting.held"), submitted(page))
        assert data["attendees"] == [{"kind": "person", "id": "ko-hak-soo"}]
        assert "evidence" not in data  # its empty row is no item
    finally:
        context.close()
