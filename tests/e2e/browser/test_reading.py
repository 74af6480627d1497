"""What a reader sees without opening anything, in Chromium: who spoke or organised, both
languages, Korean wrapped by words, each correction's reason; opened corrections in words;
PIPC's own statements apart from those at its meetings; the source's facts by kind; Atom
entries that open a page; and errors that are pages."""

from __future__ import annotations

import re

import feedparser
from playwright.sync_api import expect

from events.seed import SOURCE_ID
from service.http.read_params import AGENCY_ROLES
from tests.e2e.browser import screenshots

ROUNDTABLE = "pipc-ai-startup-roundtable"
COMPANIES = "pipc-roundtable-companies-proposals"
MINISTER = "mss-review-oh-young-ju-remarks"


def timeline(page, agency: str, **params) -> list[dict]:
    response = page.request.get(f"/agencies/{agency}/timeline", params=params)
    assert response.ok, response.text()
    return response.json()["entries"]


def row(page, entry: dict):
    return page.locator(f'li.entry[data-event-id="{entry["event_id"]}"]')


def subject(entries: list[dict], subject_id: str) -> dict:
    return next(e for e in entries if e["subject"]["id"] == subject_id)


def test_rows_name_the_speaker_or_the_organiser_without_being_opened(page):
    entries = timeline(page, "pipc")
    page.goto("/?agency=pipc")
    roundtable = row(page, subject(entries, ROUNDTABLE))
    expect(roundtable.locator('.who[data-role="organiser"]')).to_contain_text("개인정보보호위원회")
    expect(roundtable.locator(".who")).to_be_visible()
    scatter = row(page, subject(entries, "pipc-roundtable-scatter-lab-presentation"))
    expect(scatter.locator('.who[data-role="speaker"]')).to_contain_text("스캐터랩")
    chair = row(page, subject(entries, "pipc-ko-hak-soo-open-source-remarks"))
    expect(chair.locator(".who")).to_contain_text("고학수")
    expect(chair.locator(".who")).to_contain_text("Chairperson")  # the speaker's post
    for entry in entries:
        if entry["type"] in ("statement.made", "meeting.held"):
            expect(row(page, entry).locator(".who")).to_be_visible()
            expect(row(page, entry).locator("details")).not_to_have_attribute("open", "")
    screenshots.save(page, "rows-who")


def test_the_agency_cards_tell_its_own_statements_from_those_at_its_meetings(page):
    page.goto("/")
    pipc = page.locator("li.agency").filter(has_text="개인정보보호위원회")
    expect(pipc.locator(".statements-spoken dt")).to_contain_text("Statements by PIPC")
    expect(pipc.locator(".statements-spoken dd")).to_have_text("1")
    expect(pipc.locator(".statements-hosted dt")).to_contain_text("at its meetings")
    expect(pipc.locator(".statements-hosted dd")).to_have_text("4")
    screenshots.save(page, "agency-counts")


def test_a_reader_can_ask_for_pipcs_own_statements(page):
    page.goto("/?agency=pipc")
    page.get_by_label(re.compile("Its part")).select_option("speaker")
    page.get_by_role("button", name=re.compile("Apply")).click()
    expect(page).to_have_url(re.compile(r"role=speaker"))
    own = timeline(page, "pipc", role="speaker")
    assert len(own) == 1
    expect(page.locator("li.entry")).to_have_count(1)
    expect(page.locator("li.entry .who")).to_contain_text("고학수")
    page.get_by_label(re.compile("Its part")).select_option("host")
    page.get_by_role("button", name=re.compile("Apply")).click()
    hosted = timeline(page, "pipc", role="host")
    expect(page.locator("li.entry")).to_have_count(len(hosted))
    for entry in hosted:
        expect(row(page, entry).locator(".who")).not_to_contain_text("개인정보보호위원회")
    screenshots.save(page, "role-host")


def test_the_part_menu_offers_every_role_of_the_api_and_each_keeps_what_the_api_keeps(page):
    page.goto("/?agency=pipc")
    menu = page.get_by_label(re.compile("Its part"))
    values = menu.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert sorted(v for v in values if v) == sorted(AGENCY_ROLES)
    for role in AGENCY_ROLES:
        page.goto(f"/?agency=pipc&role={role}")
        expect(page.locator("li.entry")).to_have_count(len(timeline(page, "pipc", role=role)))


def test_collapsed_rows_carry_both_languages_and_korean_wraps_between_words(browser, service):
    context = browser.new_context(base_url=service, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        entries = timeline(phone, "pipc")
        phone.goto("/?agency=pipc")
        for entry in entries:
            if entry["title_en"]:
                expect(row(phone, entry).locator(".title-en")).to_be_visible()
                expect(row(phone, entry).locator(".title-en")).to_contain_text(
                    entry["title_en"][:40]
                )
        titles = phone.locator("li.entry .title")
        assert titles.first.evaluate("t => getComputedStyle(t).wordBreak") == "keep-all"
        # Every Korean word of every title stands on one line (a word broken across two
        # lines has two boxes).
        broken = titles.evaluate_all(
            """titles => titles.flatMap(title => {
                const text = title.firstChild, words = [], found = /\\S+/g;
                for (let m; (m = found.exec(text.data)); ) {
                    const range = document.createRange();
                    range.setStart(text, m.index);
                    range.setEnd(text, m.index + m[0].length);
                    if (range.getClientRects().length > 1) words.push(m[0]);
                }
                return words;
            })"""
        )
        assert broken == []
        wrapped = titles.evaluate_all("ts => ts.filter(t => t.getClientRects().length > 0"
                                      " && t.getBoundingClientRect().height > 30).length")
        assert wrapped > 0  # some titles do wrap at this width: the check above checked them
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshots.save(phone, "phone-rows")
    finally:
        context.close()


def test_a_corrected_row_shows_its_latest_reason_on_one_line(page):
    entries = timeline(page, "pipc")
    page.goto("/?agency=pipc")
    corrected = [e for e in entries if e["corrections"]]
    assert corrected
    for entry in corrected:
        reason = row(page, entry).locator(".latest-correction")
        expect(reason).to_be_visible()
        expect(reason).to_contain_text(entry["corrections"][-1]["reason"][:30])
        line = reason.evaluate("r => parseFloat(getComputedStyle(r).lineHeight)")
        assert reason.bounding_box()["height"] < 1.5 * line
    for entry in entries:
        if not entry["corrections"]:
            expect(row(page, entry).locator(".latest-correction")).to_have_count(0)
    screenshots.save(page, "corrected-rows")


def test_opened_corrections_show_names_dates_and_places_in_words(page):
    entries = timeline(page, "pipc")
    page.goto("/?agency=pipc")
    companies = row(page, subject(entries, COMPANIES))
    companies.locator("summary").click()
    changes = companies.locator(".changes")
    expect(changes.first).to_be_visible()
    text = " ".join(changes.all_inner_texts())
    assert "다수의 기업들" in text  # the group speaker by its description
    assert "the date of its meeting" in text  # an occurred removed: dated by its meeting
    assert "2025년 3월 24일" in text and "day precision" in text
    for raw in ("{", "kind:", "description_ko", "—", "null"):
        assert raw not in text, raw
    screenshots.save(page, "corrections-opened")
    minister_entries = timeline(page, "mss")
    page.goto("/?agency=mss")
    minister = row(page, subject(minister_entries, MINISTER))
    minister.locator("summary").click()
    meeting = minister.locator('.changes .field[data-field="meeting"]').locator("xpath=..")
    expect(meeting.locator("del")).to_contain_text("점검 회의")  # the meeting by its name
    expect(meeting.locator("del")).not_to_contain_text("mss-workforce-policy-review")


def test_the_source_lists_its_facts_by_kind_with_corrections_folded_under_them(page):
    source = page.request.get(f"/sources/{SOURCE_ID}").json()
    page.goto(f"/sources/{SOURCE_ID}/view")
    section = page.locator("section.supported")
    kinds = section.locator("h3.kind").all_inner_texts()
    assert any(k.startswith("Meetings") for k in kinds)
    assert any(k.startswith("Statements") for k in kinds)
    text = section.inner_text()
    for raw in ("fact.corrected", "meeting.held", "statement.made"):
        assert raw not in text
    facts = {f["event_id"] for f in source["facts"] if not f["type"].startswith("fact.")}
    expect(section.locator("li.fact")).to_have_count(
        len(facts) + (1 if any(f["target"] == source["event_id"] for f in source["facts"]) else 0)
    )
    for fact in source["facts"]:
        if fact["type"] == "fact.corrected" and fact["target"] in facts:
            folded = section.locator(f'li.fact[data-event-id="{fact["target"]}"] .corrections li')
            expect(folded.first).to_be_visible()
    statements = [f for f in source["facts"] if f["type"] == "statement.made"]
    expect(section.locator("h3.kind", has_text="Statements")).to_contain_text(
        f"({len({f['event_id'] for f in statements})})"
    )
    screenshots.save(page, "source-by-kind")


def test_an_atom_entry_opens_its_row_on_a_page(page):
    parsed = feedparser.parse(page.request.get("/feed.atom").body())
    entry = parsed.entries[0]
    assert entry.links[0].type == "text/html"
    page.goto(entry.link)
    event_id = entry.id.removeprefix("urn:uuid:")
    expect(page.locator(f'li.entry[data-event-id="{event_id}"]')).to_be_visible()
    expect(page.locator("#timeline-title")).to_be_visible()


def test_a_bad_as_of_on_the_page_answers_an_error_page(page):
    response = page.goto("/?agency=pipc&as_of=yesterday")
    assert response.status == 400
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("h1")).to_contain_text("400 Bad Request")
    expect(page.locator(".error-detail")).to_contain_text("as_of must be")
    expect(page.get_by_role("link", name=re.compile("Back to the agencies"))).to_be_visible()
    screenshots.save(page, "error-page")
    response = page.goto("/?agency=nobody")
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("Not found")
