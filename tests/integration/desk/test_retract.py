"""Retracting a fact from the desk: checked first (a dry run, nothing stored), then appended
by the editor, through the same checks as the API."""

from __future__ import annotations

import re

from events.seed import SOURCE_ID
from tests.factories import SOURCE_TEXT
from tests.integration.read_models.conftest import catch_up, seeded_log  # noqa: F401


async def stored(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM events")


def a_statement(log) -> tuple[str, str]:
    event = next(e for e in log.seed_events if e.type == "statement.made")
    return str(event.id), event.stream_id


async def test_a_fact_is_retracted_after_a_check_and_shows_as_retracted(
    browser, seeded_log, pool  # noqa: F811
):
    event_id, stream_id = a_statement(seeded_log)
    await browser.sign_in()
    page = await browser.page(f"/desk/facts/{event_id}")
    assert page.status_code == 200 and "statement.made" in page.text
    quote = seeded_log.data_of(stream_id)["evidence"][0]["quote"]
    fields = {"reason": "같은 발언이 두 번 기록됨", "source_id": SOURCE_ID, "quote": quote}
    before = await stored(pool)

    checked = await browser.post_form(
        f"/desk/facts/{event_id}/retract", {**fields, "action": "check"}, from_page=f"/desk/facts/{event_id}/retract"
    )
    assert checked.status_code == 200, checked.text
    assert "would be accepted" in checked.text
    assert await stored(pool) == before

    done = await browser.post_form(
        f"/desk/facts/{event_id}/retract", {**fields, "action": "append"}, from_page=f"/desk/facts/{event_id}/retract"
    )
    assert done.status_code == 303, done.text
    assert await stored(pool) == before + 1
    retraction = await pool.fetchrow(
        "SELECT stream_id, data, metadata FROM events ORDER BY position DESC LIMIT 1"
    )
    assert retraction["stream_id"] == stream_id
    assert '"appended_by": "test-writer"' in retraction["metadata"]
    await catch_up(pool)
    assert "retracted" in (await browser.page(f"/desk/facts/{event_id}")).text.lower()


async def test_a_retraction_with_a_quote_not_in_its_source_is_shown_and_not_stored(
    browser, seeded_log, pool  # noqa: F811
):
    event_id, _ = a_statement(seeded_log)
    await browser.sign_in()
    before = await stored(pool)
    fields = {"reason": "r", "source_id": SOURCE_ID, "quote": "출처에 없는 인용", "action": "append"}

    response = await browser.post_form(
        f"/desk/facts/{event_id}/retract", fields, from_page=f"/desk/facts/{event_id}/retract"
    )

    assert response.status_code == 422
    assert 'class="problem"' in response.text and "출처에 없는 인용" in response.text
    assert await stored(pool) == before


async def test_an_unknown_fact_is_a_page_not_found(browser, seeded_log):  # noqa: F811
    await browser.sign_in()
    response = await browser.page("/desk/facts/00000000-0000-4000-8000-000000000000/retract")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


async def test_a_source_shows_each_sentence_covered_or_not_with_the_coverage(
    browser, seeded_log  # noqa: F811
):
    await browser.sign_in()
    page = await browser.page(f"/desk/sources/{SOURCE_ID}")
    assert page.status_code == 200
    assert "<strong>18 / 24</strong>" in page.text
    assert page.text.count('class="sentence covered"') == 18
    assert page.text.count('class="sentence uncovered"') == 6
    assert f"/desk/draft?source={SOURCE_ID}&amp;start=" in page.text
    # The seed names no publisher: its date opens the line, not a lone separator.
    assert '<p class="meta">2025년 3월 · <code>' in page.text
    assert (await browser.page("/desk/sources/no-such-source")).status_code == 404


async def test_the_retraction_form_chooses_the_fact_s_own_source(browser, seeded_log, pool):  # noqa: F811
    event_id, _ = a_statement(seeded_log)
    await browser.sign_in()
    first = {"source_id": "aaa-listed-first", "title": "t", "language": "ko", "text": SOURCE_TEXT}
    assert (await browser.post_form("/desk/sources", first)).status_code == 303
    await catch_up(pool)

    page = await browser.page(f"/desk/facts/{event_id}/retract")

    assert re.search(rf'<option value="{SOURCE_ID}" selected>', page.text)
    assert not re.search(r'<option value="aaa-listed-first" selected>', page.text)


async def test_a_fact_s_page_names_its_fields_in_words_and_shows_no_json(browser, seeded_log):  # noqa: F811
    event_id, _ = a_statement(seeded_log)
    await browser.sign_in()

    page = await browser.page(f"/desk/facts/{event_id}")

    assert "<dt>발언자 · <span lang=\"en\">Speaker</span></dt>" in page.text
    assert "{&#34;" not in page.text and '{"' not in page.text  # no JSON object
