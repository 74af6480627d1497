"""Atom feeds read back with feedparser: newest first, each fact linked to its evidence."""

from __future__ import annotations

from datetime import datetime

import feedparser

from events.seed import SOURCE_ID
from tests.integration.exports.conftest import REVIEW_MEETING


async def read_feed(api, path: str) -> tuple[feedparser.FeedParserDict, bytes]:
    response = await api.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, response.content


def published(entries) -> list:
    return [entry.published_parsed for entry in entries]


async def test_the_agency_feed_lists_its_facts_newest_first_with_evidence_links(api, seeded_log):
    parsed, content = await read_feed(api, "/agencies/pipc/feed.atom")
    assert parsed.version == "atom10"
    assert parsed.feed.title.startswith("개인정보보호위원회 · Personal Information Protection Commission")
    assert parsed.feed.id == f"urn:uuid:{seeded_log.event_of('agency-pipc').id}"
    assert [link.rel for link in parsed.feed.links] == ["self", "alternate"]
    # Relative: no POLICY_TIMELINE_PUBLIC_URL here (test_links_come_from_the_public_url_only).
    assert parsed.feed.links[0].href == "/agencies/pipc/feed.atom"
    assert len(parsed.entries) == 7
    assert published(parsed.entries) == sorted(published(parsed.entries), reverse=True)
    timeline = (await api.get("/agencies/pipc/timeline")).json()["entries"]
    assert {e.id for e in parsed.entries} == {f"urn:uuid:{t['event_id']}" for t in timeline}
    roundtable = next(e for e in parsed.entries if e.title.startswith("AI 스타트업 간담회"))
    assert roundtable.title == "AI 스타트업 간담회 / AI startup roundtable"
    assert "AI 스타트업 간담회".encode() in content  # as UTF-8, not character references
    related = [link.href for link in roundtable.links if link.rel == "related"]
    assert related == [f"/sources/{SOURCE_ID}"]
    assert "24일" in roundtable.content[0].value  # the evidence quote


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_a_new_fact_comes_first_and_a_correction_updates_its_entry(api, seeded_log):
    correction = await seeded_log.correct(
        REVIEW_MEETING,
        {"title_en": "Workforce policy review meeting"},
        "a better translation",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    data = seeded_log.data_of("statement-mss-review-oh-young-ju-remarks")
    data.update(statement_id="mss-review-oh-young-ju-remarks-again")
    new_fact = await seeded_log.append(
        "statement-mss-review-oh-young-ju-remarks-again", "statement.made", data
    )
    parsed, _ = await read_feed(api, "/agencies/mss/feed.atom")
    assert parsed.entries[0].id == f"urn:uuid:{new_fact}"
    meeting = next(
        e for e in parsed.entries if e.id == f"urn:uuid:{seeded_log.event_of(REVIEW_MEETING).id}"
    )
    assert meeting.title.endswith("/ Workforce policy review meeting")
    # feedparser's parsed times drop the fraction of a second, in which both may fall
    assert moment(meeting.updated) > moment(meeting.published)
    assert correction  # the correction is no entry of its own: it updated the meeting's


async def test_the_feed_of_all_agencies_has_each_fact_once(api, pool):
    parsed, _ = await read_feed(api, "/feed.atom")
    ids = [entry.id for entry in parsed.entries]
    facts = await pool.fetchval(
        """SELECT count(*) FROM events WHERE type = ANY ($1::text[])""",
        ["meeting.held", "initiative.announced", "initiative.status_changed", "statement.made"],
    )
    assert len(ids) == len(set(ids)) == facts
    assert published(parsed.entries) == sorted(published(parsed.entries), reverse=True)
    assert parsed.feed.title.startswith("정부 AI 정책 타임라인")


async def test_the_feed_is_bounded_and_answers_304(seeded_log, database_url, settings):
    import msgspec
    from litestar.testing import AsyncTestClient

    from service.app import create_app

    async with AsyncTestClient(
        create_app(msgspec.structs.replace(settings, feed_entries=3), database_url)
    ) as api:
        parsed, _ = await read_feed(api, "/feed.atom")
        assert len(parsed.entries) == 3
        first = await api.get("/feed.atom")
        again = await api.get("/feed.atom", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        missing = await api.get("/agencies/nobody/feed.atom")
        assert (missing.status_code, missing.json()["type"]) == (404, "/problems/agency-not-found")


async def test_links_come_from_the_public_url_only(seeded_log, database_url, settings):
    """Never from the request's Host header: a feed cached or fetched through a proxy would
    otherwise point its readers wherever that header said."""
    import msgspec
    from litestar.testing import AsyncTestClient

    from service.app import create_app

    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for public, base in ((None, ""), ("https://timeline.example.org/pt", "https://timeline.example.org/pt")):
        app = create_app(msgspec.structs.replace(settings, public_url=public), database_url)
        async with AsyncTestClient(app) as api:
            for path, alternate in (("/feed.atom", "/agencies"),
                                    ("/agencies/pipc/feed.atom", "/agencies/pipc/timeline")):
                response = await api.get(path, headers=evil)
                assert response.status_code == 200
                assert "evil.example" not in response.text
                parsed = feedparser.parse(response.content)
                assert [(link.rel, link.href) for link in parsed.feed.links] == [
                    ("self", f"{base}{path}"), ("alternate", f"{base}{alternate}"),
                ]
                hrefs = [link.href for entry in parsed.entries for link in entry.links
                         if link.rel in ("alternate", "related")]
                assert hrefs and all(href.startswith(f"{base}/") for href in hrefs)
