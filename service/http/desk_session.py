"""Who is signed in to the desk: the session's token name, looked up again on each request;
and an editor's own writes, shown by the page they lead to."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
from litestar import Request

from service.http import tokens
from service.http.tokens import Caller
from service.store.lookups import folded_through

EDITOR_KEY = "editor"


class SignInNeeded(Exception):
    """A desk page or action without a valid session."""


async def signed_in(request: Request[Any, Any, Any], pool: asyncpg.Pool) -> Caller | None:
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


async def editor_of(request: Request[Any, Any, Any], pool: asyncpg.Pool) -> Caller:
    editor = await signed_in(request, pool)
    if editor is None:
        raise SignInNeeded
    return editor


POLL_SECONDS = 0.02


async def shows_own_write(request: Request[Any, Any, Any], pool: asyncpg.Pool, position: int | None) -> bool | None:
    """After an append, the desk's next page (its redirect names the append's ``min_position``)
    waits until the read models have folded it, as the API's reads with ``min_position`` do, at
    most ``POLICY_TIMELINE_MIN_POSITION_WAIT_SECONDS``: the new source, the sentence covered,
    the date corrected are on the page the editor lands on. True once folded, False if the wait
    ran out (the page says so, and is shown as it stands); None without a position."""
    if position is None:
        return None
    state = request.app.state
    names = [projection.name for projection in state.projections]
    deadline = time.monotonic() + state.settings.min_position_wait_seconds
    while True:
        async with pool.acquire() as connection:
            if await folded_through(connection, position, names):
                return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
