"""The API tokens that every test database holds (made in the migrated template)."""

from __future__ import annotations

import asyncpg

from service.http import tokens

WRITER = "pt_test-writer-0123456789abcdefghijklmnopqrstuvwxyz"
"""Scope ``append``, name ``test-writer``."""
ADMIN = "pt_test-admin-0123456789abcdefghijklmnopqrstuvwxyz"
"""Scope ``admin``, name ``test-admin``: what the shared test client presents."""


async def make_test_tokens(connection: asyncpg.Connection) -> None:
    await tokens.create(connection, "test-writer", ["append"], WRITER)
    await tokens.create(connection, "test-admin", ["admin"], ADMIN)


def bearer(token: str = ADMIN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
