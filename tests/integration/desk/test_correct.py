"""Correcting a fact from the desk: the form shows the fact as now corrected; only the fields
the editor changes become the correction's changes, checked as the fact they leave."""

from __future__ import annotations

import re

from events.seed import SOURCE_ID
from service.queries.facts import fact_now
from service.web import forms
from tests.integration.read_models.conftest import catch_up, seeded_log  # noqa: F401


def a_meeting(log):
    return next(e for e in log.seed_events if e.type == "meeting.held")


async def fields_for(pool, event, **changed) -> dict:
    """The form as the desk fills it (the fact as now corrected), with ``changed``."""
    async with pool.acquire() as connection:
        current = (await fact_now(connection, event.id)).data
    form = forms.correction_form(event.type, current)
    submitted = forms.form_values(form.fact, {**form.values, **changed})
    own = forms.form_values(form.correction, {
        "reason": "다른 보도가 날짜를 밝힘",
        "evidence": [{"source_id": SOURCE_ID, "quote": current["evidence"][0]["quote"]}],
    })
    return {k: v[0] if len(v) == 1 else v for k, v in {**submitted, **own}.items()}


async def test_a_meeting_s_date_is_corrected_after_a_check(browser, seeded_log, pool):  # noqa: F811
    meeting = a_meeting(seeded_log)
    await browser.sign_in()
    page = await browser.page(f"/desk/facts/{meeting.id}/correct")
    assert page.status_code == 200, page.text
    before = await pool.fetchval("SELECT count(*) FROM events")
    fields = await fields_for(pool, meeting, occurred={"date": "2025-03-20"})
    path = f"/desk/facts/{meeting.id}/correct"

    checked = await browser.post_form(path, {**fields, "action": "check"}, from_page=path)
    assert checked.status_code == 200, checked.text
    assert "would be accepted" in checked.text
    assert await pool.fetchval("SELECT count(*) FROM events") == before

    done = await browser.post_form(path, {**fields, "action": "append"}, from_page=path)
    assert done.status_code == 303, done.text
    row = await pool.fetchrow("SELECT type, data FROM events ORDER BY position DESC LIMIT 1")
    assert row["type"] == "fact.corrected"
    assert '"changes": {"occurred": {"date": "2025-03-20"' in row["data"]
    assert '"name_ko"' not in row["data"] and '"title_ko"' not in row["data"]  # only what changed
    await catch_up(pool)
    assert "2025년 3월 20일" in (await browser.page(f"/desk/facts/{meeting.id}")).text


async def test_a_correction_that_changes_nothing_is_refused(browser, seeded_log, pool):  # noqa: F811
    meeting = a_meeting(seeded_log)
    await browser.sign_in()
    before = await pool.fetchval("SELECT count(*) FROM events")
    path = f"/desk/facts/{meeting.id}/correct"

    response = await browser.post_form(
        path, {**await fields_for(pool, meeting), "action": "append"}, from_page=path
    )

    assert response.status_code == 422
    assert "nothing changed" in response.text
    assert await pool.fetchval("SELECT count(*) FROM events") == before


async def test_the_correction_form_shows_the_fact_s_id_fixed_and_proposes_none(browser, seeded_log):  # noqa: F811
    meeting = a_meeting(seeded_log)
    await browser.sign_in()

    page = await browser.page(f"/desk/facts/{meeting.id}/correct")

    meeting_id = meeting.stream_id.removeprefix("meeting-")
    field = re.search(r'<input id="field-meeting_id"[^>]*>', page.text)
    assert field and f'value="{meeting_id}"' in field.group(0) and "readonly" in field.group(0)
    assert "proposed from the name" not in page.text  # a fixed id is not proposed
