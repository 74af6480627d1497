"""Building a benchmark database: a generated log loaded into ``events`` with COPY.

Each chunk of 50,000 rows is one COPY, its own short transaction (the feed is gap-safe: a
long transaction would hold back every feed reader on the server). Generating and checking the
next chunk, in a thread, overlaps the COPY of the last one.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import asyncpg
from rich.progress import Progress

import events
from bench.replay.checker import Checker
from bench.replay.text import make_world
from bench.replay.world import Row, World

CHUNK_ROWS = 50_000
COPY_COLUMNS = ["event_id", "stream_id", "stream_version", "type", "schema_version", "data", "metadata"]


async def _jsonb_bytes(connection: asyncpg.Connection) -> None:
    """jsonb parameters as our ready-made UTF-8 JSON bytes (binary format: a version byte)."""
    await connection.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        encoder=lambda value: b"\x01" + value,
        decoder=lambda value: value[1:],
        format="binary",
    )


@dataclass
class Build:
    """A generated log loaded into its database, and how long that took."""

    label: str
    """1M, 10k: the log's size, as the report names it."""
    shape: str
    """world or text: the generator (``world.py``, ``text.py``)."""
    database: str
    url: str
    events: int
    counts: dict[str, int]
    generate_seconds: float = 0.0
    load_seconds: float = 0.0
    wall_seconds: float = 0.0
    checked: int = 0
    table_bytes: int = 0
    world: World | Any = None


async def build_database(
    url: str, database: str, label: str, total: int, seed: int, progress: Progress, *, check: str,
    shape: str = "world",
) -> Build:
    """Generate ``total`` events and COPY them into ``events`` in chunks, each chunk its own
    transaction; generation of the next chunk (in a thread) overlaps the COPY of the last."""
    world = make_world(shape, total, seed)
    checker = Checker(world.salt) if check != "none" else None
    gen_task = progress.add_task(f"generate {total:,} events ({shape} log)", total=total)
    load_task = progress.add_task(f"COPY {total:,} events ({shape} log)", total=total)
    build = Build(label, shape, database, url, total, world.counts, world=world)
    timings = {"generate": 0.0, "load": 0.0}

    def make_chunk(count: int, index: int) -> list[Row]:
        started = time.perf_counter()
        first = world.seq
        rows = world.rows(count)
        if checker is not None and (check == "all" or index % 10 == 0):
            checker.check(rows, world.last_targets, first)
        elif checker is not None:
            # Unchecked chunks still register what later chunks refer to.
            for event_id, stream_id, version, type_, _, data, _ in rows:
                checker.versions[stream_id] = version
                if version == 1:
                    checker.streams.add(stream_id)
                    checker.openings[stream_id] = event_id.int
                if type_ == "fact.retracted":
                    checker.retracted.add(events.decode_event(type_, data).target.int)
                if type_ == "source.registered":
                    fact = events.decode_event(type_, data)
                    checker.texts[fact.source_id] = fact.text
                checker.event_ids.add(event_id.int)
        timings["generate"] += time.perf_counter() - started
        progress.advance(gen_task, count)
        return rows

    connection = await asyncpg.connect(url)
    started = time.perf_counter()
    try:
        await _jsonb_bytes(connection)
        sizes = [min(CHUNK_ROWS, total - offset) for offset in range(0, total, CHUNK_ROWS)]
        next_rows = asyncio.create_task(asyncio.to_thread(make_chunk, sizes[0], 0))
        for index in range(len(sizes)):
            rows = await next_rows
            if index + 1 < len(sizes):
                next_rows = asyncio.create_task(
                    asyncio.to_thread(make_chunk, sizes[index + 1], index + 1)
                )
            copy_started = time.perf_counter()
            # One COPY statement: its own short transaction. ``position`` is an identity
            # column GENERATED ALWAYS, which COPY cannot write: it is left out of the column
            # list and comes from the sequence, like transaction_id and recorded_at from
            # their defaults.
            await connection.copy_records_to_table("events", records=rows, columns=COPY_COLUMNS)
            timings["load"] += time.perf_counter() - copy_started
            progress.advance(load_task, len(rows))
            del rows
        build.wall_seconds = time.perf_counter() - started
        await connection.execute("VACUUM (ANALYZE) events")
        build.table_bytes = await connection.fetchval("SELECT pg_total_relation_size('events')")
        stored = await connection.fetchval("SELECT count(*) FROM events")
        if stored != total:
            raise SystemExit(f"{database}: {stored} events stored, {total} generated")
    finally:
        await connection.close()
    build.generate_seconds = timings["generate"]
    build.load_seconds = timings["load"]
    build.checked = checker.checked if checker else 0
    return build
