"""Search, in Chromium: the home page's box searches every agency's timeline (the same search
as the API's), each result linking to the entry on its agency's page; on an agency's page the
search narrows the timeline and the initiatives alike."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.browser import accessibility, screenshots
from tests.e2e.browser.test_page import GUIDE, open_pipc


def api_ids(page, path: str, key: str, field: str, q: str) -> list[str]:
    answer = page.request.get(path, params={"q": q, "limit": 100})
    assert answer.ok, answer.text()
    return [str(item[field]) for item in answer.json()[key]]


def test_the_home_page_searches_every_agency_as_the_api_does(page):
    q = "스타트업"
    page.goto("/")
    page.get_by_role("searchbox", name="Search every agency").fill(q)
    page.get_by_role("button", name="Search", exact=True).click()
    found = page.locator("#found")
    expect(found).to_contain_text(f"Found for “{q}”")
    agencies = page.request.get("/agencies").json()["agencies"]
    expected = {
        agency["agency_id"]: api_ids(page, f"/agencies/{agency['agency_id']}/timeline",
                                     "entries", "event_id", q)
        for agency in agencies
    }
    expected = {agency: ids for agency, ids in expected.items() if ids}
    assert len(expected) >= 2  # the seed has startups at two agencies at least
    shown: dict[str, list[str]] = {}
    for link in found.locator(".found-entry a").all():
        url = urlsplit(link.get_attribute("href"))
        assert parse_qs(url.query)["q"] == [q]
        shown.setdefault(parse_qs(url.query)["agency"][0], []).append(url.fragment.removeprefix("entry-"))
    assert shown == expected
    screenshots.save(page, "search-all")
    assert accessibility.unnamed_controls(page) == []
    first = found.locator(".found-entry a").first
    target = urlsplit(first.get_attribute("href")).fragment
    first.click()
    expect(page.locator(f"#{target}")).to_be_visible()
    expect(page.get_by_label(re.compile("검색"))).to_have_value(q)


def test_a_search_that_finds_nothing_says_so_and_a_short_one_asks_for_more(page):
    page.goto("/?q=" + "없는말없는말")
    expect(page.locator("#found")).to_contain_text("No entry of any agency matches")
    page.goto("/?q=a")
    expect(page.locator("#found")).to_contain_text("at least two characters")
    expect(page.locator(".found-entry")).to_have_count(0)


def test_an_agency_search_narrows_the_initiatives_too(page):
    for q in ("엘리스", "안내서"):
        open_pipc(page)
        page.get_by_label(re.compile("검색")).fill(q)
        page.get_by_role("button", name=re.compile("Apply")).click()
        expected = api_ids(page, "/agencies/pipc/initiatives", "initiatives", "initiative_id", q)
        cards = page.locator("#initiatives li.initiative")
        expect(cards).to_have_count(len(expected))
        assert [card.get_attribute("id") for card in cards.all()] == [
            f"initiative-{i}" for i in expected]
        timeline = api_ids(page, "/agencies/pipc/timeline", "entries", "event_id", q)
        expect(page.locator("li.entry")).to_have_count(len(timeline))
        expect(page.locator("#initiatives .count")).to_contain_text(f"{len(expected)} matching")
    expect(page.locator("#initiatives")).to_contain_text(GUIDE)  # 안내서: the guide
    screenshots.save(page, "search-initiatives")
