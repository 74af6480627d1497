"""The desk's sessions, kept by the server in PostgreSQL (``desk_sessions``), behind Litestar's
own server-side session middleware, and the CSRF protection of the desk's forms (Litestar's
CSRF middleware, with a secret every process of the service shares).

The session cookie holds only a random id (HttpOnly, SameSite=Strict, Secure when the public
address is https); the row holds the editor's token name. Every process reads the same rows, so
an editor may land on any of them, and signing out deletes the row.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import asyncpg
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, ScopeSession, Send

STORE_NAME = "desk_sessions"
SESSION_COOKIE = "desk_session"


class PostgresSessionStore(Store):
    """Litestar's ``Store`` on the ``desk_sessions`` table; its pool is the service's, given
    when the app starts (``use``)."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    def use(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    def _pool(self) -> asyncpg.Pool:
        if self.pool is None:
            raise RuntimeError("the session store is used before the app started")
        return self.pool

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        async with self._pool().acquire() as connection, connection.transaction():
            # Bounded by the sessions that expired since the last sign-in: a few rows.
            await connection.execute("DELETE FROM desk_sessions WHERE expires_at < now()")
            await connection.execute(
                """INSERT INTO desk_sessions (session_id, data, expires_at)
                   VALUES ($1, $2, now() + make_interval(secs => $3))
                   ON CONFLICT (session_id) DO UPDATE
                   SET data = excluded.data, expires_at = excluded.expires_at""",
                key, data, seconds,
            )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if renew_for is not None:
            return await self._pool().fetchval(
                """UPDATE desk_sessions SET expires_at = now() + make_interval(secs => $2)
                   WHERE session_id = $1 AND expires_at > now() RETURNING data""",
                key, _seconds(renew_for),
            )
        return await self._pool().fetchval(
            "SELECT data FROM desk_sessions WHERE session_id = $1 AND expires_at > now()", key
        )

    async def delete(self, key: str) -> None:
        await self._pool().execute("DELETE FROM desk_sessions WHERE session_id = $1", key)

    async def delete_all(self) -> None:
        await self._pool().execute("DELETE FROM desk_sessions")

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        seconds = await self._pool().fetchval(
            """SELECT extract(epoch FROM expires_at - now())::int FROM desk_sessions
               WHERE session_id = $1 AND expires_at > now()""",
            key,
        )
        return seconds


def _seconds(value: int | timedelta | None) -> float:
    if value is None:
        return 365 * 24 * 3600.0
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class DeskSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, except that an empty session is not kept: a visitor
    who does not sign in gets no row and no session id (which signing in could reuse)."""

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if scope_session is not Empty and not scope_session:
            if connection.cookies.get(self.config.key, "null") == "null":
                return
            scope_session = Empty
        await super().store_in_message(scope_session, message, connection)


class DeskSessionConfig(ServerSideSessionConfig):
    _backend_class = DeskSessionBackend


def session_config(max_age_seconds: int, secure: bool) -> ServerSideSessionConfig:
    return DeskSessionConfig(
        store=STORE_NAME,
        key=SESSION_COOKIE,
        max_age=max_age_seconds,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def csrf_config(secure: bool) -> CSRFConfig:
    """Litestar's double-submit CSRF check on the desk's forms (field ``_csrf_token``), on the
    desk's routes only: the API's writes take bearer tokens, never cookies. The secret here is
    this process's until the first desk request loads the shared one (``sharing_the_secret``)."""
    return CSRFConfig(
        secret=secrets.token_hex(32),
        cookie_name="desk_csrf",
        cookie_samesite="strict",
        cookie_secure=secure,
        cookie_httponly=True,
    )


def sharing_the_secret(config: CSRFConfig) -> Callable[[ASGIApp], ASGIApp]:
    """Middleware, before the CSRF check: the first desk request of the process loads the
    secret the processes share (not the app's start: the service starts without its database,
    and answers 503 until it is back)."""

    def middleware(app: ASGIApp) -> ASGIApp:
        loaded = False

        async def load_then_go_on(scope: Scope, receive: Receive, send: Send) -> None:
            nonlocal loaded
            if not loaded:
                await load_shared_secret(scope["app"].state.pool, config)
                loaded = True
            await app(scope, receive, send)

        return load_then_go_on

    return middleware


async def load_shared_secret(pool: asyncpg.Pool, config: CSRFConfig) -> None:
    """The secret the processes of this store share: made by the first to need it."""
    async with pool.acquire() as connection:
        await connection.execute(
            "INSERT INTO service_secrets (name, value) VALUES ('csrf', $1) ON CONFLICT DO NOTHING",
            secrets.token_hex(32),
        )
        config.secret = await connection.fetchval(
            "SELECT value FROM service_secrets WHERE name = 'csrf'"
        )
