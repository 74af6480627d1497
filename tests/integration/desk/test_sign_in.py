"""Signing in to the desk with an API token: a server-side session in an HttpOnly,
SameSite=Strict cookie, a CSRF token on every form, sessions that end (signed out, expired,
token revoked), and nothing done without one."""

from __future__ import annotations

import asyncpg

from service.http import tokens
from tests.factories import SOURCE_TEXT
from tests.tokens import WRITER


async def sessions(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval("SELECT count(*) FROM desk_sessions")
    finally:
        await connection.close()


async def events_stored(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval("SELECT count(*) FROM events")
    finally:
        await connection.close()


async def test_without_a_session_the_desk_is_a_sign_in_form(browser):
    page = await browser.page("/desk")
    assert page.status_code == 200
    assert 'action="/desk/sign-in"' in page.text
    assert 'name="_csrf_token"' in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_an_editor_signs_in_with_a_token_and_the_cookie_is_httponly_and_strict(
    browser, database_url
):
    response = await browser.sign_in(WRITER)

    assert response.headers["location"] == "/desk"
    cookie = next(
        header for header in response.headers.get_list("set-cookie")
        if header.startswith("desk_session=")
    )
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert WRITER not in cookie  # the cookie is a random id, the token stays with its holder
    home = await browser.page("/desk")
    assert "test-writer" in home.text and "/desk/sign-out" in home.text
    assert await sessions(database_url) == 1


async def test_a_wrong_or_revoked_token_signs_nobody_in(browser, database_url):
    refused = await browser.post_form("/desk/sign-in", {"token": "pt_not-a-token"})
    assert refused.status_code == 401
    assert "not valid" in refused.text
    await tokens.revoke(await asyncpg.connect(database_url), "test-writer")
    refused = await browser.post_form("/desk/sign-in", {"token": WRITER})
    assert refused.status_code == 401
    assert await sessions(database_url) == 0


async def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(
    browser, database_url
):
    await browser.sign_in()
    before = await events_stored(database_url)
    fields = {"source_id": "csrf-less", "title": "t", "language": "ko", "text": SOURCE_TEXT}

    response = await browser.client.post("/desk/sources", data=fields, follow_redirects=False)

    assert response.status_code == 403
    assert await events_stored(database_url) == before


async def test_a_desk_action_without_a_session_is_refused_and_stores_nothing(browser, database_url):
    before = await events_stored(database_url)
    fields = {"source_id": "no-session", "title": "t", "language": "ko", "text": SOURCE_TEXT}

    response = await browser.post_form("/desk/sources", fields)

    assert response.status_code == 401
    assert 'action="/desk/sign-in"' in response.text
    assert await events_stored(database_url) == before


async def test_visitors_who_do_not_sign_in_leave_no_session(browser, database_url):
    for path in ("/desk", "/desk", "/desk/sources/new"):
        await browser.page(path)
    await browser.post_form("/desk/sign-in", {"token": "pt_not-a-token"})
    assert await sessions(database_url) == 0
    assert browser.client.cookies.get("desk_session") in (None, "null")


async def test_signing_in_never_reuses_a_session_id_it_was_given(browser, database_url):
    planted = "a" * 64
    form_token = await browser.form_token()
    browser.client.cookies.set("desk_session", planted, domain="testserver.local")

    refused = await browser.client.post(
        "/desk/sign-in", data={"_csrf_token": form_token, "token": WRITER}, follow_redirects=False
    )
    assert refused.status_code == 409
    await browser.sign_in(WRITER)

    assert browser.client.cookies.get("desk_session") not in (None, "null", planted)
    connection = await asyncpg.connect(database_url)
    try:
        assert await connection.fetchval(
            "SELECT count(*) FROM desk_sessions WHERE session_id = $1", planted
        ) == 0
    finally:
        await connection.close()


async def test_signing_out_ends_the_session_on_the_server(browser, database_url):
    await browser.sign_in()
    cookie = browser.client.cookies.get("desk_session")

    response = await browser.post_form("/desk/sign-out", {})

    assert response.status_code == 303
    assert await sessions(database_url) == 0
    browser.client.cookies.set("desk_session", cookie, domain="testserver.local")  # replayed
    assert 'action="/desk/sign-in"' in (await browser.page("/desk")).text


async def test_a_session_ends_when_it_expires_or_its_token_is_revoked(browser, database_url):
    await browser.sign_in()
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("UPDATE desk_sessions SET expires_at = now() - interval '1 s'")
        assert 'action="/desk/sign-in"' in (await browser.page("/desk")).text

        await browser.sign_in()
        assert "test-writer" in (await browser.page("/desk")).text
        await tokens.revoke(connection, "test-writer")
        assert 'action="/desk/sign-in"' in (await browser.page("/desk")).text
    finally:
        await connection.close()


async def test_a_source_registered_at_the_desk_is_appended_by_the_editor(browser, client):
    await browser.sign_in()
    fields = {
        "source_id": "desk-article", "title": "시험 기사", "publisher": "시험일보",
        "published": "2025-03", "url": "https://example.org/a", "language": "ko",
        "kind": "news_article",
    }
    files = {"file": ("article.txt", SOURCE_TEXT.encode(), "text/plain")}

    response = await browser.post_form("/desk/sources", fields, files=files)

    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/desk/sources/desk-article?min_position=")
    stream = (await client.get("/streams/source-desk-article")).json()
    [event] = stream["events"]
    assert event["data"]["text"] == SOURCE_TEXT
    assert event["data"]["published"]["date"] == "2025-03"
    assert event["metadata"]["appended_by"] == "test-writer"


async def test_a_refused_source_shows_why_and_stores_nothing(browser, database_url):
    await browser.sign_in()
    before = await events_stored(database_url)
    fields = {"source_id": "bad-url", "title": "t", "language": "ko", "text": SOURCE_TEXT,
              "url": "javascript:alert(1)"}

    response = await browser.post_form("/desk/sources", fields)

    assert response.status_code == 422
    assert "url" in response.text.lower()
    assert await events_stored(database_url) == before


async def test_a_source_id_in_use_is_refused_beside_its_field(browser, database_url):
    await browser.sign_in()
    fields = {"source_id": "twice", "title": "t", "language": "ko", "text": SOURCE_TEXT}
    assert (await browser.post_form("/desk/sources", fields)).status_code == 303
    before = await events_stored(database_url)

    again = await browser.post_form("/desk/sources", {**fields, "text": SOURCE_TEXT + " 더"})

    assert again.status_code == 409
    assert 'id="problem-source_id"' in again.text and "registered already" in again.text
    assert await events_stored(database_url) == before


async def test_the_reader_page_asks_who_is_signed_in(browser):
    assert (await browser.page("/desk/me")).status_code == 401
    await browser.sign_in()
    response = await browser.page("/desk/me")
    assert response.status_code == 200 and response.json() == {"editor": "test-writer"}


async def test_the_source_form_checks_the_id_by_the_vocabulary_s_rule_as_browsers_read_it(browser):
    await browser.sign_in()
    page = await browser.page("/desk/sources/new")
    # A hyphen bare in a class is refused by the browser's `v` flag, and then checks nothing.
    assert 'pattern="[a-z0-9][a-z0-9\\-]{0,62}"' in page.text
    assert 'maxlength="63"' in page.text
