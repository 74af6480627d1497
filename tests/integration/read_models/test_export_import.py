"""``policy-timeline export`` and ``import``: a whole log moved to another store, through every
check, gives the same read models (positions and ``recorded_at`` kept)."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import msgspec
import pytest

from harness.digest import table_digest
from service import database
from service.cli import main
from service.read_models import PROJECTIONS
from service.store import PostgresEventStore
from service.writing import Appender, BadFact
from service.writing.transfer import NotEmpty, export_lines, import_log, read_lines
from tests.integration.read_models.conftest import catch_up

MSS_MEETING = "meeting-mss-workforce-policy-review"
MEETING_QUOTE = "최근 '인력정책 방향 점검 회의'를 개최하고"


@pytest.fixture
async def other_database(server_url, template_name):
    """A second fresh database (empty store) on the same server."""
    name = f"pt_import_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    url = database.with_database(server_url, name)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    yield url, pool
    await pool.close()
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def exported(pool) -> list[bytes]:
    async with pool.acquire() as connection:
        return [line async for chunk in export_lines(connection) for line in chunk.splitlines()]


async def digests(pool) -> dict[str, str]:
    async with pool.acquire() as connection:
        return {p.name: await table_digest(connection, p) for p in PROJECTIONS}


async def given_an_amended_log(seeded_log) -> None:
    await seeded_log.correct(
        MSS_MEETING, {"occurred": {"date": "2025-03-20"}}, "a later report", MEETING_QUOTE
    )
    await seeded_log.retract(
        "statement-pipc-roundtable-companies-proposals", "a test", "24일 개인정보위는"
    )


async def test_an_export_imported_into_an_empty_store_gives_identical_read_models(
    seeded_log, pool, other_database
):
    await given_an_amended_log(seeded_log)
    lines = await exported(pool)
    assert len(lines) == await pool.fetchval("SELECT count(*) FROM events")

    _, other = other_database
    report = await import_log(Appender(PostgresEventStore(other), other), read_lines(lines))
    assert (report.events, report.appended, report.kept_positions) == (len(lines), len(lines), True)
    await catch_up(other)
    assert await digests(other) == await digests(pool)
    assert await exported(other) == lines

    # The identity sequence moved past the copied positions: a new append does not collide.
    more = await seeded_log.correct(MSS_MEETING, {"title_en": "A review"}, "x", MEETING_QUOTE)
    [new_line] = [line for line in await exported(pool) if str(more).encode() in line]
    again = await import_log(
        Appender(PostgresEventStore(other), other), read_lines([new_line]), into_non_empty=True
    )
    assert again.appended == 1 and not again.kept_positions


async def test_import_refuses_a_store_that_holds_events_unless_told(seeded_log, pool):
    lines = await exported(pool)
    appender = Appender(PostgresEventStore(pool), pool)
    with pytest.raises(NotEmpty):
        await import_log(appender, read_lines(lines))
    rerun = await import_log(appender, read_lines(lines), into_non_empty=True)
    assert rerun.appended == 0, "every event is already stored: answered as retries"
    assert await pool.fetchval("SELECT count(*) FROM events") == len(lines)


async def test_an_imported_log_passes_every_check(seeded_log, pool, other_database):
    lines = await exported(pool)
    tampered = []
    for line in lines:
        event = msgspec.json.decode(line)
        if event["stream_id"] == MSS_MEETING:
            event["data"]["evidence"][0]["quote"] = "기사에 없는 문장을 증거로 삼았다."
        tampered.append(msgspec.json.encode(event))
    _, other = other_database
    with pytest.raises(BadFact, match="quote"):
        await import_log(Appender(PostgresEventStore(other), other), read_lines(tampered))
    stored = await other.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", MSS_MEETING)
    assert stored == 0


async def test_the_commands_export_and_import_a_file(
    seeded_log, pool, database_url, other_database, tmp_path, monkeypatch
):
    path = tmp_path / "log.jsonl"
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert await asyncio.to_thread(main, ["export", str(path)]) == 0
    other_url, other = other_database
    monkeypatch.setenv("DATABASE_URL", other_url)
    assert await asyncio.to_thread(main, ["import", str(path)]) == 0
    assert await asyncio.to_thread(main, ["import", str(path)]) == 1, "refuses a non-empty store"
    await catch_up(other)
    assert await digests(other) == await digests(pool)
