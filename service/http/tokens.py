"""API tokens: made, listed and revoked by ``policy-timeline token``, checked on every write.

Only a token's SHA-256 is stored; the token itself is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

Scope = Literal["append", "admin"]
SCOPES: tuple[Scope, ...] = ("append", "admin")
PREFIX = "pt_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class TokenError(Exception):
    """A token that cannot be made or revoked as asked (a taken name, an unknown one)."""


class Caller(msgspec.Struct, frozen=True):
    """Who presented a valid token."""

    name: str
    scopes: frozenset[str]

    def may(self, scope: Scope) -> bool:
        """``admin`` may do everything, ``append`` only append."""
        return scope in self.scopes or "admin" in self.scopes


class TokenInfo(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def create(
    connection: asyncpg.Connection | asyncpg.Pool, name: str, scopes: list[str], token: str | None = None
) -> str:
    """Store a new token's hash under ``name`` and return the token (a random one unless given)."""
    if not NAME_PATTERN.match(name):
        raise TokenError(f"a token name is letters, digits, '.', '_' or '-' (at most 64), not {name!r}")
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise TokenError(f"scopes are {' and '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    token = token or PREFIX + secrets.token_urlsafe(32)
    try:
        await connection.execute(
            "INSERT INTO api_tokens (name, token_sha256, scopes) VALUES ($1, $2, $3)",
            name, digest(token), sorted(set(scopes)),
        )
    except asyncpg.UniqueViolationError:
        raise TokenError(f"a token named {name!r} exists or existed; names are not reused") from None
    return token


async def revoke(connection: asyncpg.Connection | asyncpg.Pool, name: str) -> None:
    revoked = await connection.fetchval(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE name = $1 RETURNING name",
        name,
    )
    if revoked is None:
        raise TokenError(f"no token named {name!r}")


async def list_tokens(connection: asyncpg.Connection | asyncpg.Pool) -> list[TokenInfo]:
    rows = await connection.fetch(
        "SELECT name, scopes, created_at, revoked_at FROM api_tokens ORDER BY created_at, name"
    )
    return [TokenInfo(**dict(row)) for row in rows]


async def any_active(connection: asyncpg.Connection | asyncpg.Pool) -> bool:
    return await connection.fetchval(
        "SELECT EXISTS (SELECT FROM api_tokens WHERE revoked_at IS NULL)"
    )


async def caller_of(connection: asyncpg.Connection | asyncpg.Pool, token: str) -> Caller | None:
    """The holder of ``token`` if it is a token in use (made and not revoked), else None."""
    row = await connection.fetchrow(
        "SELECT name, scopes FROM api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL",
        digest(token),
    )
    return Caller(row["name"], frozenset(row["scopes"])) if row else None


async def caller_named(connection: asyncpg.Connection | asyncpg.Pool, name: str) -> Caller | None:
    """The holder of the token named ``name`` if it is still in use, else None: a desk session
    keeps the name, and is worth nothing from the moment its token is revoked."""
    row = await connection.fetchrow(
        "SELECT name, scopes FROM api_tokens WHERE name = $1 AND revoked_at IS NULL", name
    )
    return Caller(row["name"], frozenset(row["scopes"])) if row else None
