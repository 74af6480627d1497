"""The desk (``/desk``): editors sign in with an API token and add facts from the browser,
through the same command and checks as the API. Every page of the desk needs a session
(``service/http/sessions.py``), every form post a CSRF token; the session holds the token's
name only, and each request looks it up again, so a revoked token signs its sessions out."""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec
from litestar import Request, Router, get, post
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.params import FromPath
from litestar.response import Redirect, Template

from events.base import ID_PATTERN
from service.http import tokens
from service.http.desk_facts import FACT_ROUTES, MinPosition
from service.http.desk_session import (
    EDITOR_KEY,
    SignInNeeded,
    editor_of,
    shows_own_write,
    signed_in,
)
from service.http.read_params import is_entity_id
from service.http.sessions import SESSION_COOKIE, sharing_the_secret
from service.http.tokens import Caller
from service.queries.sources import get_sentences, get_source, source_page
from service.store import EventIdConflict, InvalidAppend, WrongExpectedVersion
from service.web import forms
from service.writing import Appender
from service.writing.checks import BadFact
from service.writing.sources import source_command

MAX_SOURCES_LISTED = 200


def sign_in_page(request: Request[Any, Any, Any], *, message: str | None = None, status: int = 200) -> Template:
    return Template(
        "desk/sign_in.html", context={"message": message}, status_code=status
    )


def refused_without_session(request: Request[Any, Any, Any], _: SignInNeeded) -> Template:
    """Any desk page or action without a session: the sign-in page, 401, nothing done."""
    return sign_in_page(request, message="로그인이 필요합니다 · Please sign in first.", status=401)


def not_found(request: Request[Any, Any, Any], error: NotFoundException) -> Template:
    return Template("not_found.html", context={"what": request.url.path}, status_code=404)


@get("/")
async def desk_home(request: Request[Any, Any, Any], pool: NamedDependency[asyncpg.Pool]) -> Template:
    """The sign-in page, or for a signed-in editor the sources to work on."""
    editor = await signed_in(request, pool)
    if editor is None:
        return sign_in_page(request)
    async with pool.acquire() as connection:
        sources = (await source_page(connection, limit=MAX_SOURCES_LISTED)).sources
    return Template(
        "desk/home.html", context={"editor": editor, "sources": sources}
    )


class Editor(msgspec.Struct):
    editor: str


@get("/me")
async def who_is_signed_in(request: Request[Any, Any, Any], pool: NamedDependency[asyncpg.Pool]) -> Editor:
    """The signed-in editor, for the reader's page to offer "correct" and "retract"; 401
    without a session."""
    editor = await signed_in(request, pool)
    if editor is None:
        raise NotAuthorizedException("not signed in to the desk")
    return Editor(editor=editor.name)


@post("/sign-in", status_code=303)
async def sign_in(request: Request[Any, Any, Any], pool: NamedDependency[asyncpg.Pool]) -> Redirect | Template:
    if request.cookies.get(SESSION_COOKIE, "null") != "null":
        # Signing in never reuses a session id (one another page could have planted): the
        # old session is closed, and the editor signs in on a fresh one.
        request.clear_session()
        return sign_in_page(
            request,
            message="이전 세션을 닫았습니다. 다시 로그인하세요 · "
            "The previous session was closed: please sign in again.",
            status=409,
        )
    form = await request.form()
    token = str(form.get("token") or "").strip()
    editor = await tokens.caller_of(pool, token) if token else None
    if editor is None or not editor.may("append"):
        why = (
            "유효하지 않은 토큰입니다(등록되지 않았거나 폐기됨) · That token is not valid (unknown or revoked)."
            if editor is None
            else "이 토큰에는 append 권한이 없습니다 · That token may not append."
        )
        return sign_in_page(request, message=why, status=401)
    request.set_session({EDITOR_KEY: editor.name})
    return Redirect("/desk", status_code=303)


@post("/sign-out", status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect("/desk", status_code=303)


SOURCE_FIELDS = ("source_id", "title", "publisher", "published", "url", "language", "kind")


@get("/sources/new")
async def new_source(request: Request[Any, Any, Any], pool: NamedDependency[asyncpg.Pool]) -> Template:
    editor = await editor_of(request, pool)
    return _source_form(editor, {"language": "ko", "kind": "news_article"}, problems=[])


@post("/sources", status_code=303)
async def register_source(
    request: Request[Any, Any, Any],
    pool: NamedDependency[asyncpg.Pool],
    appender: NamedDependency[Appender],
) -> Redirect | Template:
    """Register a pasted or uploaded (UTF-8 ``.txt``) text as a source, through every check."""
    editor = await editor_of(request, pool)
    form = await request.form()
    given = {name: str(form.get(name) or "").strip() for name in SOURCE_FIELDS}
    text = str(form.get("text") or "")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            problem = f"the file is not UTF-8 text ({error.reason} at byte {error.start})"
            return _source_form(editor, given, problems=[("file", problem)], status=422)
    problems = [(name, "required") for name in ("source_id", "title") if not given[name]]
    if not text.strip():
        problems.append(("text", "paste the text or choose a .txt file"))
    if problems:
        return _source_form(editor, {**given, "text": text}, problems=problems, status=422)
    try:
        command = source_command(
            text,
            source_id=given["source_id"],
            title=given["title"],
            publisher=given["publisher"] or None,
            published=given["published"] or None,
            url=given["url"] or None,
            language=given["language"] or "ko",
            kind=given["kind"] or None,
        )
        command = msgspec.structs.replace(command, appended_by=editor.name)
        result = await appender.append(command)
    except WrongExpectedVersion:
        why = f"a source with the id {given['source_id']!r} is registered already"
        return _source_form(editor, {**given, "text": text}, problems=[("source_id", why)], status=409)
    except (ValueError, BadFact, InvalidAppend, EventIdConflict) as refusal:
        # BadOption (a ValueError) names the field; the others say what the append refused.
        return _source_form(editor, {**given, "text": text}, problems=[("", str(refusal))], status=422)
    return Redirect(
        f"/desk/sources/{given['source_id']}?min_position={result.positions[-1]}", status_code=303
    )


def _source_form(
    editor: Caller, values: dict[str, Any], *, problems: list[tuple[str, str]], status: int = 200
) -> Template:
    return Template(
        "desk/source_form.html",
        context={
            "editor": editor, "values": values, "problems": problems,
            # The vocabulary's id rule as a browser reads a pattern (the ``v`` flag refuses a
            # bare hyphen in a class: a refused pattern checks nothing and logs an error).
            "id_pattern": forms.html_pattern(ID_PATTERN),
        },
        status_code=status,
    )


MAX_SENTENCES = 100_000
"""More than any source's text (bounded by the body limit) holds: a source is shown whole."""


@get("/sources/{source_id:str}")
async def source_sentences(
    request: Request[Any, Any, Any], source_id: FromPath[str], pool: NamedDependency[asyncpg.Pool],
    min_position: MinPosition = None,
) -> Template:
    """The source as numbered sentences, each covered (a fact cites it) or not yet, with the
    facts citing it; a sentence, or a passage selected in it, drafts a new fact. After the
    editor registers the source or adds a fact, once the read models have it."""
    editor = await editor_of(request, pool)
    recorded = await shows_own_write(request, pool, min_position)
    if not is_entity_id(source_id):
        raise NotFoundException(source_id)
    async with pool.acquire() as connection:
        source = await get_source(connection, source_id)
        sentences = await get_sentences(connection, source_id, limit=MAX_SENTENCES)
    if source is None or sentences is None:
        raise NotFoundException(source_id)
    return Template(
        "desk/source.html",
        context={
            "editor": editor, "source": source, "sentences": sentences, "recorded": recorded,
        },
    )


def desk_router(sessions: ServerSideSessionConfig, csrf: CSRFConfig) -> Router:
    """The desk's routes, with their sessions and CSRF checks (nothing else has either)."""
    return Router(
        path="/desk",
        route_handlers=[
            desk_home, who_is_signed_in, sign_in, sign_out, new_source, register_source,
            source_sentences, *FACT_ROUTES,
        ],
        include_in_schema=False,
        cache_control=CacheControlHeader(no_store=True),
        exception_handlers={SignInNeeded: refused_without_session, NotFoundException: not_found},
        middleware=[
            sessions.middleware,
            sharing_the_secret(csrf),
            DefineMiddleware(CSRFMiddleware, config=csrf),
        ],
    )
