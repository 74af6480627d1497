"""The pages of a person, an organization and a meeting, in Chromium: what each said (with
evidence linking to the source), organised and attended, reached from the mentions of them on
the timeline, the initiative cards and the statements."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.browser import accessibility, screenshots
from tests.e2e.browser.test_page import GUIDE, ROUNDTABLE, entry, open_pipc

SOURCE_VIEW = re.compile(r"/sources/article-ai-startup-ecosystem-2025-03/view\?quote=")


def test_a_participant_on_the_timeline_links_to_the_organization_page(page):
    open_pipc(page)
    roundtable = entry(page, ROUNDTABLE)
    roundtable.locator("summary").click()
    roundtable.locator(".details").get_by_role("link", name=re.compile("모레")).click()
    expect(page).to_have_url(re.compile(r"/organizations/moreh/view$"))
    expect(page.locator("h1")).to_contain_text("모레")
    expect(page.locator("h1")).to_contain_text("Moreh")
    said = page.locator("#said")
    expect(said.locator(".statement-item")).to_have_count(1)
    expect(said).to_contain_text("언어모델")
    expect(said.locator(".at")).to_contain_text(ROUNDTABLE)
    attended = page.locator("#attended")
    expect(attended).to_contain_text(ROUNDTABLE)
    screenshots.save(page, "organization")
    attended.get_by_role("link", name=re.compile(ROUNDTABLE)).click()
    expect(page).to_have_url(re.compile(r"/meetings/pipc-ai-startup-roundtable/view$"))


def test_the_meeting_page_shows_organiser_attendees_statements_and_what_builds_on_it(page):
    page.goto("/meetings/pipc-ai-startup-roundtable/view")
    expect(page.locator("h1")).to_contain_text(ROUNDTABLE)
    expect(page.locator(".facts time")).to_have_attribute("datetime", "2025-03-24")
    expect(page.locator(".organiser a")).to_have_attribute("href", "/?agency=pipc")
    for name in ("스캐터랩", "모레", "엘리스그룹"):
        expect(page.locator(".facts .people").get_by_role("link", name=re.compile(name))).to_be_visible()
    statements = page.locator("#said .statement-item")
    expect(statements).to_have_count(4)
    expect(statements.first.locator(".speaker a")).to_have_attribute(
        "href", re.compile(r"^/organizations/[a-z-]+/view$"))
    expect(page.locator("#said")).to_contain_text("다수의 기업들")  # a group: named, no link
    expect(page.locator("#builds-on")).to_contain_text(GUIDE)
    screenshots.save(page, "meeting")
    assert accessibility.unnamed_controls(page) == []
    assert {"banner", "main", "contentinfo", "navigation"} <= accessibility.landmarks(page)
    statements.first.get_by_role("link", name=re.compile("View in source")).first.click()
    expect(page).to_have_url(SOURCE_VIEW)
    expect(page.locator("mark#quote")).to_be_visible()


def test_the_person_page_shows_posts_and_what_they_said_with_evidence(page):
    page.goto("/people/ko-hak-soo/view")
    expect(page.locator("h1")).to_contain_text("고학수")
    expect(page.locator("h1")).to_contain_text("Ko Hak-soo")
    posts = page.locator(".posts")
    expect(posts).to_contain_text("Chairperson")
    expect(posts.get_by_role("link", name=re.compile("개인정보보호위원회"))).to_have_attribute(
        "href", "/?agency=pipc")
    said = page.locator("#said .statement-item")
    expect(said).to_have_count(1)
    expect(said).to_contain_text("오픈소스")
    quote = said.locator("blockquote").first.inner_text()
    screenshots.save(page, "person")
    said.get_by_role("link", name=re.compile("View in source")).first.click()
    expect(page).to_have_url(SOURCE_VIEW)
    expect(page.locator("mark#quote")).to_have_text(quote)


def test_a_person_page_lists_the_meetings_they_attended(page):
    page.goto("/people/seo-ji-ho/view")
    expect(page.locator("#attended .meeting-item")).to_have_count(1)
    expect(page.locator("#attended")).to_contain_text("인력정책 방향 점검 회의")
    expect(page.locator("#said")).to_contain_text("스톡옵션")
    expect(page.locator(".posts").get_by_role("link", name=re.compile("클레온"))).to_have_attribute(
        "href", "/organizations/klleon/view")


def test_the_initiative_card_links_the_meeting_it_builds_on(page):
    open_pipc(page)
    card = page.locator("li.initiative").filter(has_text=GUIDE)
    link = card.locator(".based-on").get_by_role("link", name=re.compile(ROUNDTABLE))
    expect(link).to_have_attribute("href", "/meetings/pipc-ai-startup-roundtable/view")
    expect(card.locator(".responsible a")).to_have_attribute("href", "/?agency=pipc")


def test_an_unknown_entity_is_a_not_found_page(page):
    for path in ("/people/nobody/view", "/organizations/nobody/view", "/meetings/nobody/view",
                 "/people/NOT%20AN%20ID/view"):
        response = page.goto(path)
        assert response.status == 404, path
        assert response.headers["content-type"].startswith("text/html")
        expect(page.locator("h1")).to_contain_text("Not found")
