"""What the pages and feeds give a reader, over HTTP without a browser: errors on a page are
pages with the error's status (the JSON API keeps problem documents), every Atom entry links
to the page that shows it, and a source's supported facts carry the fact a correction amends."""

from __future__ import annotations

import feedparser
import pytest

from events.seed import SOURCE_ID


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/?agency=pipc&as_of=yesterday", 400, "as_of must be"),
        ("/?agency=pipc&role=visitor", 400, "role must be one of"),
        ("/?agency=no-such-agency", 404, "no-such-agency"),
        (f"/sources/{SOURCE_ID}/view?as_of=soon", 400, "as_of must be"),
        (f"/sources/{SOURCE_ID}/view?occurrence=first", 400, "occurrence"),
    ],
)
async def test_an_error_on_a_page_is_a_page_with_its_status(api, path, status, words):
    response = await api.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "<!DOCTYPE html>" in response.text and words in response.text
    assert '"type"' not in response.text  # not a problem document in a page


@pytest.mark.parametrize(
    "path", ["/agencies/pipc/timeline?as_of=yesterday", f"/sources/{SOURCE_ID}?as_of=soon"]
)
async def test_the_api_still_answers_problem_documents(api, path):
    response = await api.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/invalid-as-of"


@pytest.mark.parametrize("feed", ["/agencies/pipc/feed.atom", "/feed.atom"])
async def test_every_atom_entry_links_first_to_the_page_that_shows_it(api, feed):
    parsed = feedparser.parse((await api.get(feed)).content)
    assert parsed.entries
    for entry in parsed.entries:
        event_id = entry.id.removeprefix("urn:uuid:")
        page = entry.links[0]
        assert (page.rel, page.type) == ("alternate", "text/html")
        assert entry.link == page.href  # what a feed reader opens
        assert page.href.startswith("/?agency=") and page.href.endswith(f"#entry-{event_id}")
        shown = await api.get(page.href.split("#")[0])
        assert shown.status_code == 200 and f'id="entry-{event_id}"' in shown.text


async def test_a_sources_corrections_name_the_fact_they_correct(api, seeded_log):
    source = (await api.get(f"/sources/{SOURCE_ID}")).json()
    facts = source["facts"]
    # The facts quoting the source, and the source itself (the seed corrects its note).
    ids = {fact["event_id"] for fact in facts} | {source["event_id"]}
    corrections = [fact for fact in facts if fact["type"] == "fact.corrected"]
    assert corrections
    assert all(fact["target"] in ids for fact in corrections)
    assert all(fact["target"] is None for fact in facts if not fact["type"].startswith("fact."))
