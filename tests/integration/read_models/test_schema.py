"""The read models' schema: its date functions agree with the vocabulary; it migrates both ways."""

from __future__ import annotations

import asyncio

import asyncpg

import events
from service import database
from service.read_models import PROJECTIONS

DATES = ["2024", "2025", "2024-02", "2025-02", "2025-12", "2025-03-24", "2024-02-29", "1999-12-31"]


async def test_sql_reads_reduced_dates_as_the_vocabulary_does(pool):
    rows = await pool.fetch(
        """SELECT value, pt_reduced_date_earliest(value) AS earliest,
                  pt_reduced_date_latest(value) AS latest, pt_reduced_date_rank(value) AS rank
           FROM unnest($1::text[]) AS value""",
        DATES,
    )
    for row in rows:
        earliest, latest, precision = events.date_range(row["value"])
        assert (row["earliest"], row["latest"], row["rank"]) == (
            earliest, latest, events.PRECISION_RANK[precision]
        )


async def tables(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row["tablename"] for row in rows}
    finally:
        await connection.close()


async def test_the_migration_creates_every_projections_tables_and_its_downgrade_drops_them(
    empty_database_url,
):
    owned = {table for projection in PROJECTIONS for table in projection.tables}
    await asyncio.to_thread(database.migrate, empty_database_url)
    assert owned <= await tables(empty_database_url)
    await asyncio.to_thread(database.migrate, empty_database_url, "-6")  # 0008 down to 0003
    assert not owned & await tables(empty_database_url)
    await asyncio.to_thread(database.migrate, empty_database_url)
    assert owned <= await tables(empty_database_url)


async def test_the_search_migration_adds_its_columns_and_indexes_and_its_downgrade_drops_them(
    empty_database_url,
):
    async def searchable() -> tuple[set[str], set[str]]:
        connection = await asyncpg.connect(empty_database_url)
        try:
            columns = await connection.fetch(
                """SELECT table_name FROM information_schema.columns
                   WHERE column_name = 'search_grams'"""
            )
            indexes = await connection.fetch(
                """SELECT indexname FROM pg_indexes
                   WHERE indexname LIKE '%search' OR indexname LIKE '%order'"""
            )
            return {row[0] for row in columns}, {row[0] for row in indexes}
        finally:
            await connection.close()

    await asyncio.to_thread(database.migrate, empty_database_url)
    tables, indexes = await searchable()
    assert tables == {"timeline_entries", "statements", "meetings", "initiative_history"}
    assert {"statements_search", "meetings_order", "initiative_history_agency_order"} <= indexes
    await asyncio.to_thread(database.migrate, empty_database_url, "-3")  # 0008, 0007, 0006
    tables, indexes = await searchable()
    assert tables == set() and not {"statements_search", "meetings_order"} & indexes


async def test_the_search_indexes_take_rows_through_a_small_pending_list(empty_database_url):
    async def options() -> dict[str, list[str] | None]:
        connection = await asyncpg.connect(empty_database_url)
        try:
            rows = await connection.fetch(
                """SELECT c.relname, c.reloptions FROM pg_class AS c
                   WHERE c.relname IN ('timeline_entries_search', 'statements_search',
                                       'meetings_search', 'initiative_history_search',
                                       'facts_current_lookups')"""
            )
            return {row["relname"]: row["reloptions"] for row in rows}
        finally:
            await connection.close()

    await asyncio.to_thread(database.migrate, empty_database_url)
    now = await options()
    assert now.pop("facts_current_lookups") == ["fastupdate=off"]  # read by every batch
    assert len(now) == 4
    assert all(sorted(o) == ["fastupdate=on", "gin_pending_list_limit=512"] for o in now.values())
    await asyncio.to_thread(database.migrate, empty_database_url, "-2")  # 0008, 0007
    assert set(map(tuple, (await options()).values())) == {("fastupdate=off",)}
