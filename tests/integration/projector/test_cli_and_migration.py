"""``policy-timeline replay`` and the migration that holds the projections' bookkeeping."""

from __future__ import annotations

import asyncio

import asyncpg

from service import database, read_models
from service.cli import main
from tests.integration.projector.helpers import (
    COUNTS,
    caught_up,
    counts,
    every_event_readable,
    given_events,
)

BOOKKEEPING = {"projection_checkpoints", "projection_replays", "projection_skipped_events"}


async def test_the_replay_command_rebuilds_every_registered_projection(
    store, pool, database_url, counts_table, monkeypatch, capsys
):
    monkeypatch.setattr(read_models, "PROJECTIONS", (COUNTS,))
    monkeypatch.setenv("DATABASE_URL", database_url)
    await given_events(store, "organization-a", 2)
    await every_event_readable(store, pool)

    assert await asyncio.to_thread(main, ["replay"]) == 0
    assert await counts(pool) == {"organization-a": 2}
    assert "stream_counts: 2 events read" in capsys.readouterr().out


async def test_the_replay_command_refuses_an_unknown_name(database_url, monkeypatch, capsys):
    monkeypatch.setattr(read_models, "PROJECTIONS", (COUNTS,))
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["replay", "stream_counts", "nope"]) == 2
    assert "no projection nope; known: stream_counts" in capsys.readouterr().err


async def _tables(url: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}
    finally:
        await connection.close()


async def test_the_bookkeeping_migration_goes_up_and_down(empty_database_url):
    await asyncio.to_thread(database.migrate, empty_database_url, "0002")
    assert await _tables(empty_database_url) >= BOOKKEEPING
    await asyncio.to_thread(database.migrate, empty_database_url, "-1")
    assert not BOOKKEEPING & await _tables(empty_database_url)


async def test_status_ready_fails_until_a_projector_leads_and_keeps_up(
    store, pool, database_url, start_runner, monkeypatch, capsys
):
    # The projector container's healthcheck (docker-compose.yml).
    monkeypatch.setattr(read_models, "PROJECTIONS", (COUNTS,))
    monkeypatch.setenv("DATABASE_URL", database_url)
    await given_events(store, "organization-a", 2)

    assert await asyncio.to_thread(main, ["status", "--ready"]) == 1
    output = capsys.readouterr()
    assert "stream_counts: " in output.out and "no projector leads it" in output.out
    assert "not ready: stream_counts has no leader" in output.err

    start_runner()
    await caught_up(store, pool)
    assert await asyncio.to_thread(main, ["status", "--ready"]) == 0
    assert "stream_counts: 0.0 s behind, led by backend" in capsys.readouterr().out
