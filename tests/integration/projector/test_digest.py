"""``table_digest``: the same rows give the same digest, whatever order they were written in."""

from __future__ import annotations

import uuid

from harness.digest import table_digest
from tests.integration.projector.helpers import COUNTS

A, B, C = (uuid.UUID(int=number) for number in (1, 2, 3))
ROWS = [("organization-a", A, None, 10), ("organization-b", B, "에이", 11), ("organization-c", C, "b", 12)]
INSERT = """INSERT INTO stream_counts (stream_id, event_id, label, made_by, known_from)
    VALUES ($1, $2, $3, $4, '2025-03-24T00:00:00Z')"""


async def digest_of(pool, rows) -> str:
    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("DELETE FROM stream_counts")
        await connection.executemany(INSERT, rows)
        return await table_digest(connection, COUNTS)


async def test_the_same_rows_in_another_order_have_the_same_digest(pool, counts_table):
    assert await digest_of(pool, ROWS) == await digest_of(pool, list(reversed(ROWS)))


async def test_one_changed_value_changes_the_digest(pool, counts_table):
    changed = [*ROWS[:2], ("organization-c", C, "c", 12)]
    assert await digest_of(pool, ROWS) != await digest_of(pool, changed)


async def test_an_empty_table_has_a_digest_too(pool, counts_table):
    assert await digest_of(pool, []) != await digest_of(pool, ROWS[:1])
