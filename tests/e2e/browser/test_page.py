"""The timeline page as people use it, in Chromium: the agencies, PIPC's timeline drawn with
spans and points, an entry's details and its evidence in the source, search, phone width,
no request leaving the service, and accessible names."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.browser import accessibility, screenshots

ROUNDTABLE = "AI 스타트업 간담회"
GUIDE = "생성형 AI 도입 및 활용 안내서"


def entry(page, title: str):
    return page.locator("li.entry").filter(has=page.locator(".title", has_text=title)).first


def open_pipc(page) -> None:
    page.goto("/")
    page.get_by_role("link", name=re.compile("개인정보보호위원회")).click()
    expect(page.locator("#timeline-title")).to_contain_text("Personal Information Protection Commission")


def test_the_page_lists_both_agencies_with_names_and_counts(page):
    page.goto("/")
    agencies = page.locator("#agencies")
    for text in ("중소벤처기업부", "Ministry of SMEs and Startups", "개인정보보호위원회",
                 "Personal Information Protection Commission"):
        expect(agencies).to_contain_text(text)
    pipc = page.locator("li.agency").filter(has_text="개인정보보호위원회")
    expect(pipc.locator("dd").first).to_have_text("7")
    screenshots.save(page, "agencies")


def test_the_pipc_timeline_shows_the_roundtable_and_the_planned_guide(page):
    open_pipc(page)
    roundtable = entry(page, ROUNDTABLE)
    expect(roundtable.locator("summary time")).to_have_attribute("datetime", "2025-03-24")
    expect(roundtable).to_contain_text("2025년 3월 24일")
    guide = entry(page, GUIDE)
    expect(guide).to_be_visible()
    expect(page.locator("#initiatives")).to_contain_text(GUIDE)
    expect(page.locator("#initiatives")).to_contain_text("planned")
    expect(page.locator(".legend")).to_contain_text("Meeting")
    screenshots.save(page, "pipc-timeline")


def test_the_month_precision_plan_is_drawn_as_a_span_and_the_day_meeting_as_a_point(page):
    open_pipc(page)
    guide = entry(page, GUIDE)
    expect(guide.locator(".when")).to_contain_text("2025년 3월")
    expect(guide.locator(".precision")).to_contain_text("month span")
    bar = guide.locator(".track .bar")
    expect(bar).to_be_visible()
    track = guide.locator(".track").bounding_box()
    span = bar.bounding_box()
    # March is a visible stretch of the axis (which runs from February to April).
    assert 0.2 * track["width"] < span["width"] < 0.6 * track["width"]
    roundtable = entry(page, ROUNDTABLE)
    expect(roundtable.locator(".track .dot")).to_be_visible()
    assert roundtable.locator(".track .bar").count() == 0
    dot = roundtable.locator(".track .dot").bounding_box()
    assert span["x"] < dot["x"] < span["x"] + span["width"]  # the 24th falls inside March


def test_an_entry_opens_with_the_keyboard_and_its_evidence_opens_the_source_at_the_quote(page):
    open_pipc(page)
    roundtable = entry(page, ROUNDTABLE)
    summary = roundtable.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    details = roundtable.locator(".details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("개인정보보호위원회")  # the organiser
    expect(details).to_contain_text("모레")  # a participant
    quote = details.locator("blockquote").first.inner_text()
    screenshots.save(page, "entry-details")
    details.get_by_role("link", name=re.compile("View in source")).first.click()
    expect(page).to_have_url(re.compile(r"/sources/article-ai-startup-ecosystem-2025-03/view\?quote="))
    mark = page.locator("mark#quote")
    expect(mark).to_have_text(quote)
    expect(mark).to_be_in_viewport()
    expect(mark).to_be_focused()
    screenshots.save(page, "source-quote", full_page=False)


def test_the_json_source_endpoint_still_answers_json(page):
    response = page.request.get("/sources/article-ai-startup-ecosystem-2025-03")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["source_id"] == "article-ai-startup-ecosystem-2025-03"


def test_a_korean_search_narrows_the_timeline(page):
    open_pipc(page)
    before = page.locator("li.entry").count()
    page.get_by_label(re.compile("검색")).fill("엘리스")
    page.get_by_role("button", name=re.compile("Apply")).click()
    expect(page.locator("li.entry")).to_have_count(1)
    assert before > 1
    expect(page.locator("li.entry")).to_contain_text("클라우드")
    screenshots.save(page, "search")


def test_the_type_filter_keeps_only_meetings(page):
    open_pipc(page)
    for name in ("Statement", "Plan"):
        page.get_by_role("checkbox", name=re.compile(name)).uncheck()
    page.get_by_role("button", name=re.compile("Apply")).click()
    expect(page.locator("li.entry")).to_have_count(1)
    expect(page.locator("li.entry .title")).to_have_text(ROUNDTABLE)


def test_the_page_fits_a_phone(browser, service):
    context = browser.new_context(base_url=service, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto("/?agency=pipc")
        entry(phone, ROUNDTABLE).locator("summary").click()
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        screenshots.save(phone, "phone")
    finally:
        context.close()


def test_nothing_is_loaded_from_anywhere_but_the_service(browser, service):
    origin = urlsplit(service).netloc
    context = browser.new_context(base_url=service)
    aborted: list[str] = []
    failed: list[str] = []

    def only_the_service(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_service)
    try:
        offline = context.new_page()
        offline.on(
            "requestfailed",
            lambda request: failed.append(request.url)
            if not request.url.endswith("/events/live") else None,
        )
        offline.goto("/?agency=pipc")
        expect(offline.locator("li.entry").first).to_be_visible()
        offline.wait_for_load_state("networkidle")
        offline.goto("/sources/article-ai-startup-ecosystem-2025-03/view?quote=오픈소스")
        expect(offline.locator("mark#quote")).to_be_visible()
        offline.goto("/schema")
        expect(offline.locator(".swagger-ui .info .title")).to_contain_text("Policy Timeline")
        expect(offline.locator(".opblock").first).to_be_visible()
        offline.wait_for_load_state("networkidle")
        screenshots.save(offline, "schema-offline", full_page=False)
    finally:
        context.close()
    assert aborted == []
    assert failed == []


def test_every_control_has_an_accessible_name_and_the_page_has_landmarks(page):
    open_pipc(page)
    entry(page, ROUNDTABLE).locator("summary").click()
    assert accessibility.unnamed_controls(page) == []
    assert {"banner", "main", "contentinfo", "navigation", "search"} <= accessibility.landmarks(page)
    page.goto("/sources/article-ai-startup-ecosystem-2025-03/view?quote=오픈소스")
    assert accessibility.unnamed_controls(page) == []


def test_on_a_phone_the_timeline_comes_first(browser, service):
    context = browser.new_context(base_url=service, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto("/?agency=pipc")
        top = {part: phone.locator(part).bounding_box()["y"]
               for part in ("#timeline", "form.filters", "#initiatives", "#agencies")}
        assert top["#timeline"] < top["form.filters"] < top["#initiatives"] < top["#agencies"], top
        screenshots.save(phone, "phone-timeline-first", full_page=False)
        # The first entry is on the first screen.
        expect(phone.locator("li.entry").first).to_be_in_viewport()
    finally:
        context.close()


def test_the_guide_is_listed_after_the_roundtable_whose_results_it_builds_on(page):
    open_pipc(page)
    titles = page.locator("li.entry .title").all_inner_texts()
    roundtable = next(i for i, t in enumerate(titles) if ROUNDTABLE in t)
    guide = next(i for i, t in enumerate(titles) if GUIDE in t)
    assert roundtable < guide, titles
    # After the statements made at the roundtable too: the last entry.
    assert guide == len(titles) - 1, titles
    expect(entry(page, GUIDE).locator(".when")).to_contain_text("2025년 3월")  # its own date
