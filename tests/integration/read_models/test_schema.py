"""The read models' schema: its date functions agree with the vocabulary; it migrates both ways."""

from __future__ import annotations

import asyncio

import asyncpg

import events
from service import database
from service.read_models import PROJECTIONS
from service.read_models.search import bigrams

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
    await asyncio.to_thread(database.migrate, empty_database_url, "-8")  # 0010 down to 0003
    assert not owned & await tables(empty_database_url)
    await asyncio.to_thread(database.migrate, empty_database_url)
    assert owned <= await tables(empty_database_url)


async def searchable(url: str) -> tuple[set[str], set[str], dict[str, str]]:
    """The tables with a ``search_grams`` column, with a ``search_text`` one, and the search
    and order indexes with their definitions."""
    connection = await asyncpg.connect(url)
    try:
        columns = await connection.fetch(
            """SELECT column_name, table_name FROM information_schema.columns
               WHERE table_schema = 'public' AND column_name IN ('search_grams', 'search_text')"""
        )
        indexes = await connection.fetch(
            """SELECT indexname, indexdef FROM pg_indexes
               WHERE indexname LIKE '%search' OR indexname LIKE '%order'"""
        )
        return (
            {row[1] for row in columns if row[0] == "search_grams"},
            {row[1] for row in columns if row[0] == "search_text"},
            {row[0]: row[1] for row in indexes},
        )
    finally:
        await connection.close()


LISTS = {"timeline_entries", "statements", "meetings", "initiative_history"}


async def test_the_search_migrations_add_their_columns_and_indexes_and_their_downgrades_drop_them(
    empty_database_url,
):
    await asyncio.to_thread(database.migrate, empty_database_url)
    grams, texts, indexes = await searchable(empty_database_url)
    # 0009: the grams are PostgreSQL's, in expression indexes; no column holds them.
    assert grams == set() and texts == LISTS
    for table in LISTS:
        assert 'gin (search_bigrams(search_text) COLLATE "C")' in indexes[f"{table}_search"]
    assert {"meetings_order", "initiative_history_agency_order"} <= set(indexes)
    await asyncio.to_thread(database.migrate, empty_database_url, "-2")  # 0010, 0009
    grams, texts, indexes = await searchable(empty_database_url)
    assert grams == texts == LISTS
    assert "gin (search_grams)" in indexes["statements_search"]
    await asyncio.to_thread(database.migrate, empty_database_url, "-3")  # 0008, 0007, 0006
    grams, texts, indexes = await searchable(empty_database_url)
    assert grams == texts == set() and not {"statements_search", "meetings_order"} & set(indexes)
    await asyncio.to_thread(database.migrate, empty_database_url)
    assert (await searchable(empty_database_url))[:2] == (set(), LISTS)


async def test_the_bigram_migration_keeps_the_rows_searchable_both_ways(empty_database_url):
    # Rows folded before 0009 keep their text, and the new indexes compute their bigrams; a
    # downgrade computes the grams column from the text, as the handlers computed it.
    await asyncio.to_thread(database.migrate, empty_database_url, "0008")
    text = "개인정보 보호\nprivacy ai"
    connection = await asyncpg.connect(empty_database_url)
    try:
        await connection.execute(
            """INSERT INTO meetings (meeting_id, event_id, organiser, earliest, latest,
                   precision_rank, position, search_text, search_grams, made_by, known_from)
               VALUES ('m', gen_random_uuid(), 'pipc', '2025-01-01', '2025-01-01', 2, 1, $1, $2,
                       1, now())""",
            text, bigrams(text),
        )
        await asyncio.to_thread(database.migrate, empty_database_url)
        await connection.execute("SET enable_seqscan = off")
        found = await connection.fetchval(
            """SELECT count(*) FROM meetings
               WHERE (search_bigrams(search_text) COLLATE "C") @> $1::text[]""",
            bigrams("정보 보호"),
        )
        assert found == 1
        await asyncio.to_thread(database.migrate, empty_database_url, "-2")  # 0010, 0009
        assert await connection.fetchval("SELECT search_grams FROM meetings") == bigrams(text)
    finally:
        await connection.close()


async def gin_options(url: str) -> dict[str, list[str] | None]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            """SELECT c.relname, c.reloptions FROM pg_class AS c JOIN pg_am AS a ON a.oid = c.relam
               WHERE c.relkind = 'i' AND a.amname = 'gin'
                 AND c.relnamespace = 'public'::regnamespace"""
        )
        return {row["relname"]: row["reloptions"] for row in rows}
    finally:
        await connection.close()


async def test_the_search_indexes_take_rows_through_a_small_pending_list(empty_database_url):
    await asyncio.to_thread(database.migrate, empty_database_url)
    now = await gin_options(empty_database_url)
    # Read by every batch of the live path: written through.
    assert now.pop("facts_current_lookups") == ["fastupdate=off"]
    assert now.pop("statements_speakers") == now.pop("people_affiliations") == ["fastupdate=off"]
    assert now == {
        f"{table}_search": ["fastupdate=on", "gin_pending_list_limit=512"] for table in LISTS
    }
    await asyncio.to_thread(database.migrate, empty_database_url, "-2")  # 0010, 0009
    before = await gin_options(empty_database_url)
    assert all(
        sorted(before[f"{table}_search"]) == ["fastupdate=on", "gin_pending_list_limit=512"]
        for table in LISTS
    )
    await asyncio.to_thread(database.migrate, empty_database_url, "-2")  # 0008, 0007
    assert {tuple(before) for before in (await gin_options(empty_database_url)).values()} == {
        ("fastupdate=off",)
    }
