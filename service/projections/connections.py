"""The engine's dedicated connections: a runner's or a rebuild's own, outside the pool.

A runner's leadership lives and dies with its connection (a session advisory lock), and a
rebuild keeps session settings for its whole run; neither belongs in a shared pool. They are
``service.database`` connections with the folding session settings below.
"""

from __future__ import annotations

import asyncpg

from service import database
from service.database import close

__all__ = ["FOLDING_SESSION", "close", "connect"]

FOLDING_SESSION = {"plan_cache_mode": "force_custom_plan"}
"""Plan each statement for its arguments. The same statements run for the life of a runner or
a rebuild while its tables grow from nothing; a generic plan made while they were small (a
sequential scan) would stay in use when they hold a million rows."""


async def connect(database_url: str, purpose: str) -> asyncpg.Connection:
    return await database.connect(database_url, purpose, FOLDING_SESSION)
