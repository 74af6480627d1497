"""A read model rebuilt blue/green from the log answers exactly as the one kept live."""

from __future__ import annotations

import msgspec

from events.seed import SOURCE_ID
from service.projections.rebuild import Rebuild, rebuild
from service.queries.agencies import list_agencies
from service.queries.initiatives import get_initiative
from service.queries.sources import get_source
from service.queries.statements import statement_page
from service.queries.timeline import timeline_page
from service.read_models import PROJECTIONS


async def everything(connection) -> bytes:
    answers = [
        await timeline_page(connection, "mss"),
        await timeline_page(connection, "pipc"),
        await list_agencies(connection),
        await get_initiative(connection, "pipc-generative-ai-guide"),
        await statement_page(connection),
        await get_source(connection, SOURCE_ID),
    ]
    return msgspec.json.encode(answers)


async def test_rebuilding_every_read_model_after_amendments_changes_no_answer(
    connection, seeded_log, database_url
):
    await seeded_log.correct(
        "meeting-mss-workforce-policy-review",
        {"organiser": "pipc", "occurred": {"date": "2025-03-11"}},
        "a test of rebuilding",
        "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    await seeded_log.retract(
        "statement-pipc-roundtable-companies-proposals", "a test", "24일 개인정보위는"
    )
    live = await everything(connection)
    for projection in PROJECTIONS:
        status = await rebuild(database_url, projection, batch_size=4)
        assert status.state == "completed", status
    assert await everything(connection) == live


_INDEXES = """SELECT tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename = ANY ($1::text[]) ORDER BY 1, 2"""
# Statistics targets set on index columns (PostgreSQL 15: -1 is the default; 17 and later: null).
_TARGETS = """SELECT c.relname, a.attnum, a.attstattarget FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indexrelid
    WHERE i.indrelid = ANY ($1::text[]::regclass[]) AND a.attnum > 0 AND a.attstattarget >= 0
    ORDER BY 1, 2"""
_CONSTRAINTS = """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
    FROM pg_constraint WHERE conrelid = ANY ($1::text[]::regclass[]) ORDER BY 1, 2"""


async def test_a_rebuild_gives_every_table_exactly_the_indexes_and_constraints_of_the_migration(
    connection, seeded_log, database_url
):
    # The copies' indexes are built over two connections, largest table first: none may be
    # missing, doubled or different, and none may be left behind in a build schema.
    tables = [table for projection in PROJECTIONS for table in projection.tables]
    qualified = [f"public.{table}" for table in tables]
    indexes = await connection.fetch(_INDEXES, tables)
    constraints = await connection.fetch(_CONSTRAINTS, qualified)
    targets = await connection.fetch(_TARGETS, qualified)
    assert {row["tablename"] for row in indexes} == set(tables)
    # Migration 0010: ANALYZE computes no statistics of the search indexes' expressions.
    assert {row["relname"] for row in targets} >= {"statements_search", "timeline_entries_search"}

    status = await rebuild(database_url, PROJECTIONS, batch_size=4, chunk_size=5)
    assert status.state == "completed", status

    assert [tuple(row) for row in await connection.fetch(_INDEXES, tables)] == [
        tuple(row) for row in indexes
    ]
    assert [tuple(row) for row in await connection.fetch(_CONSTRAINTS, qualified)] == [
        tuple(row) for row in constraints
    ]
    assert [tuple(row) for row in await connection.fetch(_TARGETS, qualified)] == [
        tuple(row) for row in targets
    ]
    assert not await connection.fetchval(
        "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname LIKE 'projection_build_%')"
    )


async def test_a_rebuild_keeps_its_amended_facts_on_disk_not_in_memory(
    connection, seeded_log, database_url
):
    # The view of a rebuild holds a chunk's facts and the entities handlers look up; an
    # amended fact it no longer needs goes to disk (spill.py) and comes back when a later
    # amendment targets it, so its memory does not grow with the log's corrections.
    statements = await connection.fetch(
        "SELECT stream_id FROM facts WHERE type = 'statement.made' AND known_until IS NULL"
        " ORDER BY position"
    )
    assert len(statements) > 5
    for (stream_id,) in statements:
        await seeded_log.correct(stream_id, {"topics": ["a-test"]}, "a test", "24일 개인정보위는")
    for (stream_id,) in statements[::2]:  # chunks later: each comes back from disk
        await seeded_log.retract(stream_id, "a test", "24일 개인정보위는")
    await seeded_log.correct(
        "meeting-mss-workforce-policy-review", {"occurred": {"date": "2025-03-11"}},
        "a test of rebuilding", "최근 '인력정책 방향 점검 회의'를 개최하고",
    )
    live = await everything(connection)

    chunk = 5
    rebuild_ = await Rebuild.begin(database_url, PROJECTIONS, batch_size=4, chunk_size=chunk)
    fold, held = rebuild_.fold, []
    take_spilled = fold.take_spilled

    def between_chunks():  # each chunk folded, its pins let go, the next not yet loaded
        held.append([f for f in fold.view.facts.values() if not fold.view.is_looked_up(f)])
        return take_spilled()

    fold.take_spilled = between_chunks
    status = await rebuild_.run()
    assert status.state == "completed", status
    assert held
    assert max(len(facts) for facts in held) <= chunk
    assert not [(i, f.type, f.state, f.stream_id, f.position) for i, facts in enumerate(held) for f in facts if f.state != "active"]
    assert await everything(connection) == live
