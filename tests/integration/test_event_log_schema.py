"""The event log's table: immutable, and migrations that go both ways."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg
import msgspec
import pytest

from service import database
from service.store import NewEvent


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET data = '{}'::jsonb",
        "DELETE FROM events",
        "TRUNCATE events",
    ],
    ids=["update", "delete", "truncate"],
)
async def test_the_event_log_refuses_to_change_history(store, pool, statement):
    await store.append("s", [NewEvent(id=uuid.uuid4(), type="t.x", data=b'{"a": 1}')], "any")
    with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
        await pool.execute(statement)
    [event] = await store.read_stream("s")
    assert msgspec.json.decode(event.data) == {"a": 1}


async def _tables_and_functions(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            """SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'
               UNION ALL
               SELECT proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public'"""
        )
        return {row["name"] for row in rows}
    finally:
        await connection.close()


async def test_every_revision_upgrades_and_downgrades_cleanly(empty_database_url):
    await asyncio.to_thread(database.migrate, empty_database_url)
    migrated = await _tables_and_functions(empty_database_url)
    assert {"events", "append_events", "alembic_version"} <= migrated

    await asyncio.to_thread(database.migrate, empty_database_url, "base")
    assert await _tables_and_functions(empty_database_url) <= {"alembic_version"}

    await asyncio.to_thread(database.migrate, empty_database_url)
    assert await _tables_and_functions(empty_database_url) == migrated


async def test_plain_alembic_upgrade_head_works_from_the_repository(empty_database_url):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    environment = {**os.environ, "DATABASE_URL": empty_database_url}
    completed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert "events" in await _tables_and_functions(empty_database_url)
