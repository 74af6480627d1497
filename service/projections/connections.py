"""Dedicated connections: a runner's or a replay's own, outside the pool.

A runner's leadership lives and dies with its connection (a session advisory lock), and a
replay sets ``search_path`` for its whole session; neither belongs in a shared pool.
"""

from __future__ import annotations

import asyncio

import asyncpg

from service.database import SESSION


async def connect(database_url: str, purpose: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        database_url,
        server_settings={
            "application_name": f"policy-timeline {purpose}"[:63],
            **SESSION,
            **FOLDING_SESSION,
        },
    )


FOLDING_SESSION = {"plan_cache_mode": "force_custom_plan"}
"""Plan each statement for its arguments. The same statements run for the life of a runner or
a rebuild while its tables grow from nothing; a generic plan made while they were small (a
sequential scan) would stay in use when they hold a million rows."""



async def close(connection: asyncpg.Connection) -> None:
    """Close politely if the server answers soon; otherwise just drop the socket."""
    if connection.is_closed():
        return
    try:
        await asyncio.wait_for(connection.close(), timeout=5)
    except asyncio.CancelledError:
        connection.terminate()
        raise
    except Exception:
        connection.terminate()
