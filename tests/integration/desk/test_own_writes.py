"""The page an editor lands on after an append shows it: the redirect names the append's
position, and the page waits (a while) until the read models have folded it, as a read with
``min_position`` does. The projector is off in these tests: they fold with ``catch_up``."""

from __future__ import annotations

import msgspec
import pytest

from events.seed import SOURCE_ID
from tests.factories import SOURCE_TEXT
from tests.integration.desk.test_draft import organization_fields, post_draft
from tests.integration.read_models.conftest import catch_up, seeded_log  # noqa: F401


@pytest.fixture
def settings(settings):
    """A short wait, for the page whose read models never catch up here."""
    return msgspec.structs.replace(settings, min_position_wait_seconds=0.3)


async def test_after_a_draft_is_added_its_source_shows_the_sentence_covered(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    added = await post_draft(browser, organization_fields(), "append")
    assert added.status_code == 303, added.text
    location = added.headers["location"]
    position = await pool.fetchval("SELECT max(position) FROM events")
    assert location == f"/desk/sources/{SOURCE_ID}?min_position={position}"

    await catch_up(pool)
    page = await browser.page(location)

    assert page.status_code == 200
    assert "Recorded." in page.text
    assert "<strong>19 / 24</strong>" in page.text


async def test_a_page_whose_read_models_have_not_caught_up_says_so(
    browser, seeded_log, pool  # noqa: F811
):
    await browser.sign_in()
    added = await post_draft(browser, organization_fields(), "append")

    page = await browser.page(added.headers["location"])  # nothing folds it here

    assert page.status_code == 200
    assert "does not show it yet" in page.text
    assert "<strong>18 / 24</strong>" in page.text


async def test_a_registered_source_is_found_on_the_page_it_leads_to(browser, pool):
    await browser.sign_in()
    fields = {"source_id": "own-write", "title": "시험 기사", "language": "ko", "text": SOURCE_TEXT}
    registered = await browser.post_form("/desk/sources", fields)
    assert registered.status_code == 303, registered.text
    assert registered.headers["location"].startswith("/desk/sources/own-write?min_position=")

    await catch_up(pool)
    page = await browser.page(registered.headers["location"])

    assert page.status_code == 200, page.text
    assert "Recorded." in page.text


async def test_a_position_that_is_no_number_is_refused(browser):
    await browser.sign_in()
    page = await browser.page(f"/desk/sources/{SOURCE_ID}?min_position=x")
    assert page.status_code == 400
