"""Liveness and readiness."""

from __future__ import annotations

import asyncpg
import msgspec
from litestar import get
from litestar.di import NamedDependency

from service.http.problems import problem


class Health(msgspec.Struct):
    status: str


@get("/health", tags=["operations"])
async def health() -> Health:
    """The process is up and serving."""
    return Health(status="ok")


@get("/ready", tags=["operations"])
async def ready(pool: NamedDependency[asyncpg.Pool]) -> Health:
    """The database answers."""
    try:
        await pool.fetchval("SELECT 1", timeout=2)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise problem(503, "not-ready", f"the database does not answer: {error}") from None
    return Health(status="ready")
