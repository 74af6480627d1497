"""Drafting a fact from a passage of a source: the form of the type chosen, the evidence
filled from the passage, a check (nothing stored), then the append by the editor; the
sentence is covered afterwards."""

from __future__ import annotations

import re

from events.seed import ARTICLE_TEXT, SOURCE_ID
from service.web import forms
from tests.integration.read_models.conftest import catch_up, seeded_log  # noqa: F401

PASSAGE = "딥시크(Deepseek)"


def selection() -> dict:
    start = ARTICLE_TEXT.index(PASSAGE)
    return {"source": SOURCE_ID, "start": start, "end": start + len(PASSAGE)}


def organization_fields(**data) -> dict:
    form = forms.form_for("organization.registered")
    evidence = forms.evidence_from_selection(
        ARTICLE_TEXT, selection()["start"], selection()["end"], SOURCE_ID
    )
    values = {"name_ko": "딥시크", "name_en": "DeepSeek", "kind": "company",
              "evidence": [evidence], **data}
    fields = forms.form_values(form, values)
    return {name: values_[0] if len(values_) == 1 else values_ for name, values_ in fields.items()}


async def post_draft(browser, fields: dict, action: str):
    return await browser.post_form(
        "/desk/draft",
        {"type": "organization.registered", **selection(), **fields, "action": action},
    )


async def stored(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM events")


async def test_a_passage_offers_every_fact_type_and_fills_the_form_s_evidence(
    browser, seeded_log  # noqa: F811
):
    await browser.sign_in()
    query = "&".join(f"{k}={v}" for k, v in selection().items())
    menu = await browser.page(f"/desk/draft?{query}")
    assert menu.status_code == 200
    for event_type in ("meeting.held", "statement.made", "organization.registered"):
        assert f"type={event_type}" in menu.text

    form = await browser.page(f"/desk/draft?{query}&type=organization.registered")
    assert form.status_code == 200, form.text
    quote = re.search(r'name="evidence\.0\.quote"[^>]*>\n?(.*?)</textarea>', form.text, re.S)
    assert quote and quote.group(1) == PASSAGE
    assert "Proposed" in form.text  # a date proposal, with its reasoning


async def test_a_drafted_fact_is_checked_then_appended_and_covers_its_sentence(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    before = await stored(pool)

    checked = await post_draft(browser, organization_fields(), "check")
    assert checked.status_code == 200, checked.text
    assert "would be accepted" in checked.text and "DeepSeek" in checked.text
    assert await stored(pool) == before

    appended = await post_draft(browser, organization_fields(), "append")
    assert appended.status_code == 303, appended.text
    assert await stored(pool) == before + 1
    event = await pool.fetchrow(
        "SELECT stream_id, metadata FROM events ORDER BY position DESC LIMIT 1"
    )
    assert event["stream_id"] == "organization-deepseek"  # the id proposed from the name
    assert '"appended_by": "test-writer"' in event["metadata"]
    await catch_up(pool)
    page = await browser.page(f"/desk/sources/{SOURCE_ID}")
    assert "<strong>19 / 24</strong>" in page.text


async def test_a_draft_the_checks_refuse_shows_why_and_stores_nothing(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    before = await stored(pool)
    wrong = {"source_id": SOURCE_ID, "quote": "딥시크(DeepSeek)"}  # not the source's spelling

    response = await post_draft(browser, organization_fields(evidence=[wrong]), "append")

    assert response.status_code == 422
    assert 'class="problem"' in response.text
    assert await stored(pool) == before


def statement_fields(speaker_id: str) -> dict:
    """A statement by someone the log does not know yet, registered on the way (fiction)."""
    form = forms.form_for("statement.made")
    evidence = forms.evidence_from_selection(
        ARTICLE_TEXT, selection()["start"], selection()["end"], SOURCE_ID
    )
    values = {
        "speaker": {"kind": "person", "id": speaker_id}, "kind": "remark",
        "text": "시험용 가상 발언", "occurred": {"date": "2025-03"}, "evidence": [evidence],
    }
    fields = {name: v[0] if len(v) == 1 else v for name, v in forms.form_values(form, values).items()}
    return {**fields, "new.person.0.name_ko": "김시험", "new.person.0.name_en": "Kim Siheom"}


async def post_statement(browser, fields: dict, action: str):
    return await browser.post_form(
        "/desk/draft", {"type": "statement.made", **selection(), **fields, "action": action}
    )


async def test_a_person_registered_on_the_way_is_shown_again_after_the_check_with_its_id(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    before = await stored(pool)

    checked = await post_statement(browser, statement_fields(""), "check")

    # The speaker's id is not typed yet: refused, but what was typed on the way is kept, and
    # the id proposed for the new person is shown, to be named as the speaker.
    assert checked.status_code == 422, checked.text
    assert re.search(r'name="new\.person\.0\.name_ko" value="김시험"', checked.text)
    assert re.search(r'name="new\.person\.0\.person_id" value="kim-siheom"', checked.text)
    assert re.search(r'<details class="on-the-way" open>', checked.text)
    # The statement's own id is not fixed by a refused check: it is proposed again, from the
    # speaker, once the check passes.
    assert re.search(r'name="statement_id" value=""', checked.text)
    assert await stored(pool) == before


async def test_a_statement_by_someone_registered_on_the_way_is_appended_to_its_own_stream(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    before = await stored(pool)

    checked = await post_statement(browser, statement_fields("kim-siheom"), "check")
    assert checked.status_code == 200, checked.text
    assert "would be accepted" in checked.text
    appended = await post_statement(browser, statement_fields("kim-siheom"), "append")

    assert appended.status_code == 303, appended.text
    rows = await pool.fetch(
        "SELECT stream_id, type FROM events WHERE position > $1 ORDER BY position", before
    )
    assert [(r["stream_id"], r["type"]) for r in rows] == [
        ("person-kim-siheom", "person.registered"),
        ("statement-kim-siheom-remark", "statement.made"),
    ]


async def test_a_meeting_s_preview_shows_its_organiser_and_place(browser, seeded_log):  # noqa: F811
    await browser.sign_in()
    form = forms.form_for("meeting.held")
    evidence = forms.evidence_from_selection(
        ARTICLE_TEXT, selection()["start"], selection()["end"], SOURCE_ID
    )
    values = {
        "organiser": "pipc", "title_ko": "시험 간담회", "kind": "roundtable",
        "place": {"name_ko": "시험센터", "name_en": "Test Centre"},
        "occurred": {"date": "2025-03"}, "evidence": [evidence],
    }
    fields = {name: v[0] if len(v) == 1 else v for name, v in forms.form_values(form, values).items()}

    checked = await browser.post_form(
        "/desk/draft", {"type": "meeting.held", **selection(), **fields, "action": "check"}
    )

    assert checked.status_code == 200, checked.text
    preview = checked.text[checked.text.index('class="preview"'):checked.text.index("</section>")]
    assert "<code>pipc</code>" in preview
    assert '<dd class="place">시험센터 (Test Centre)</dd>' in preview


async def test_a_refused_draft_names_the_field_in_words_not_json_paths(
    browser, seeded_log  # noqa: F811
):
    await browser.sign_in()

    refused = await post_statement(browser, statement_fields(""), "check")

    assert refused.status_code == 422
    assert (
        '<a href="#field-speaker">발언자 · Speaker</a>: a person speaker needs an id'
        in refused.text
    )
    assert 'id="field-speaker"' in refused.text  # where the link goes
    assert "$.speaker" not in refused.text and "events[0]" not in refused.text


async def test_a_draft_posted_with_offsets_that_are_not_numbers_is_a_400(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    before = await stored(pool)
    response = await browser.post_form(
        "/desk/draft",
        {"type": "organization.registered", "source": SOURCE_ID, "start": "x", "end": "1",
         **organization_fields(), "action": "append"},
    )
    assert response.status_code == 400
    assert await stored(pool) == before
