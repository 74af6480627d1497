"""A ``url`` of any fact is a web address (http or https, with a host): anything else is a 422
on append, and a log written before that rule reads such a URL as null, so no page, feed or
calendar links it."""

from __future__ import annotations

import pytest

import events
from tests.factories import append, new_id, source
from tests.integration.read_models.conftest import seeded_log  # noqa: F401
from tests.integration.read_models.test_places import PIPC_ROUNDTABLE, PLACE, register_report

NOT_WEB = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "mailto:desk@example.org",
    "//evil.example/",
    "www.example.org",
    "https:///path",
    "https://",
    "https://exa mple.org/",
    "https://good.example\\@evil.example/",
    "https://user:secret@example.org/",
    " https://example.org/",
    "https://example.org/\n",
    "http://[::1",
]
WEB = [
    "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156680000",
    "HTTP://EXAMPLE.ORG/A?b=c#d",
    "http://[::1]:8000/",
    "https://개인정보위.한국/소식",
    "https://medium.com/@someone/a-post",
    "http://example.org",
]


@pytest.mark.parametrize("url", NOT_WEB)
async def test_a_source_url_that_is_not_a_web_address_is_a_422(client, pool, url):
    registered = source("js-source")
    registered["data"]["url"] = url
    response = await append(client, "source-js-source", registered)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/invalid-event"
    assert "$.url" in body["detail"]
    assert await pool.fetchval("SELECT count(*) FROM events") == 0


@pytest.mark.parametrize("url", WEB)
async def test_a_web_address_is_kept_as_given(client, url):
    registered = source("web-source")
    registered["data"]["url"] = url
    assert (await append(client, "source-web-source", registered)).status_code == 201
    stored = (await client.get("/streams/source-web-source")).json()["events"][0]
    assert stored["data"]["url"] == url


async def test_a_place_url_is_a_web_address_too_in_a_meeting_and_in_a_correction(
    client, seeded_log  # noqa: F811
):
    await register_report(seeded_log)
    meeting = {
        **seeded_log.data_of("meeting-mss-workforce-policy-review"),
        "meeting_id": "somewhere", "place": {**PLACE, "url": "javascript:alert(1)"},
    }
    response = await append(
        client, "meeting-somewhere", {"id": new_id(), "type": "meeting.held", "data": meeting}
    )
    assert response.status_code == 422, response.text
    assert "$.place.url" in response.json()["detail"]
    correction = {
        "target": str(seeded_log.event_of(PIPC_ROUNDTABLE).id),
        "changes": {"place": {**PLACE, "url": "data:text/html,x"}},
        "reason": "another report names the place",
        "evidence": [{"source_id": "test-roundtable-report",
                      "quote": "서울 강남구 스타트업얼라이언스에서 AI 스타트업 간담회를 열었다"}],
    }
    response = await append(
        client, PIPC_ROUNDTABLE,
        {"id": new_id(), "type": "fact.corrected", "data": correction},
    )
    assert response.status_code == 422, response.text
    assert "url" in response.json()["detail"]


async def test_a_log_written_before_the_rule_reads_other_urls_as_null(
    client, seeded_log  # noqa: F811
):
    text = "옛 기사 본문."
    await seeded_log.append_unchecked("source-old-article", "source.registered", {
        "source_id": "old-article", "title": "옛 기사", "language": "ko", "text": text,
        "sha256": events.sha256_text(text), "url": "javascript:alert(document.domain)",
    })
    await register_report(seeded_log)
    await seeded_log.append_unchecked(PIPC_ROUNDTABLE, "fact.corrected", {
        "target": str(seeded_log.event_of(PIPC_ROUNDTABLE).id),
        "changes": {"place": {**PLACE, "url": "javascript:alert(2)"}},
        "reason": "another report names the place",
        "evidence": [{"source_id": "test-roundtable-report",
                      "quote": "서울 강남구 스타트업얼라이언스에서 AI 스타트업 간담회를 열었다"}],
    })
    assert (await client.get("/sources/old-article")).json()["url"] is None
    meeting = (await client.get("/meetings/pipc-ai-startup-roundtable")).json()
    assert meeting["place"] == {**PLACE, "url": None}
    for path in ("/sources/old-article/view", "/?agency=pipc", "/agencies/pipc/feed.atom",
                 "/agencies/pipc/timeline?format=ics", "/feed.atom",
                 "/streams/source-old-article", f"/streams/{PIPC_ROUNDTABLE}"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "javascript" not in response.text.lower(), path
    page = (await client.get("/?agency=pipc")).text
    assert "스타트업얼라이언스" in page  # the correction is applied, without its URL


async def test_feeds_link_a_sources_url_only_when_it_is_a_web_address(client, seeded_log, pool):  # noqa: F811
    # The read model of a store folded before the rule may still hold another URL.
    await pool.execute(
        """UPDATE facts SET fact = jsonb_set(fact, '{url}', to_jsonb($1::text))
           WHERE type = 'source.registered'""",
        "javascript:alert(document.domain)",
    )
    for path in ("/feed.atom", "/agencies/mss/feed.atom"):
        feed = (await client.get(path)).text
        assert "<entry>" in feed and 'rel="related"' in feed
        assert "javascript" not in feed and 'rel="via"' not in feed
    web = "https://www.example.org/기사?id=1&x=2"
    await pool.execute(
        "UPDATE facts SET fact = jsonb_set(fact, '{url}', to_jsonb($1::text))"
        " WHERE type = 'source.registered'",
        web,
    )
    feed = (await client.get("/agencies/mss/feed.atom")).text
    assert '<link href="https://www.example.org/기사?id=1&amp;x=2" rel="via" />' in feed
