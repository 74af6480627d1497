"""Who is signed in to the desk: the session's token name, looked up again on each request."""

from __future__ import annotations

import asyncpg
from litestar import Request

from service import tokens
from service.tokens import Caller

EDITOR_KEY = "editor"


class SignInNeeded(Exception):
    """A desk page or action without a valid session."""


async def signed_in(request: Request, pool: asyncpg.Pool) -> Caller | None:
    """The editor of this request's session, while their token is in use and may append."""
    session = request.scope.get("session")
    name = session.get(EDITOR_KEY) if isinstance(session, dict) else None
    if not isinstance(name, str):
        return None
    editor = await tokens.caller_named(pool, name)
    if editor is None or not editor.may("append"):
        request.clear_session()
        return None
    return editor


async def editor_of(request: Request, pool: asyncpg.Pool) -> Caller:
    editor = await signed_in(request, pool)
    if editor is None:
        raise SignInNeeded
    return editor


