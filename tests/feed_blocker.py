"""A transaction held open in another database of the same server, which stalls the gap-safe
feed of every database on it (this test's included) until it ends.

It stalls every other test run on the server too: end it as soon as the test has seen what it
needs. The server ends it anyway after ``idle_in_transaction_session_timeout``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from service import database

APPLICATION_NAME = "policy-timeline tests: feed blocker"


@dataclass
class Blocker:
    pid: int
    database: str
    xid: int
    connection: asyncpg.Connection

    async def end(self) -> None:
        if not self.connection.is_closed():
            await self.connection.close()


@asynccontextmanager
async def transaction_in_another_database(server_url: str) -> AsyncIterator[Blocker]:
    name = f"pt_blocker_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        connection = await asyncpg.connect(
            database.with_database(server_url, name),
            server_settings={
                "application_name": APPLICATION_NAME,
                "idle_in_transaction_session_timeout": "60s",
            },
        )
        blocker = Blocker(connection.get_server_pid(), name, 0, connection)
        try:
            await connection.execute("BEGIN")
            blocker.xid = await connection.fetchval("SELECT pg_current_xact_id()::text::bigint")
            yield blocker
        finally:
            await blocker.end()
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
