"""Proving the generator's output valid: a small generated log appended through the service's
``Appender``, the API's own write path and checks."""

from __future__ import annotations

import asyncpg
import msgspec
from rich.progress import Progress

from bench.replay import NOTIFY_CHANNEL
from bench.replay.text import make_world
from service.http.schemas import AppendRequest, EventBody
from service.store import PostgresEventStore
from service.writing import Appender


async def verify_with_appender(url: str, total: int, seed: int, progress: Progress,
                               shape: str = "world") -> int:
    """Append a small generated log through the service's Appender: the API's own checks
    (vocabulary, stream, references, evidence quotes, correction targets) accept every event.
    ``shape``: the log's generator, ``world`` (``world.py``) or ``text`` (``text.py``)."""
    world = make_world(shape, total, seed)
    rows = world.rows(total)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    task = progress.add_task(f"append {total:,} via Appender ({shape} log)", total=total)
    try:
        store = PostgresEventStore(pool, notify_channel=NOTIFY_CHANNEL)
        appender = Appender(store, pool)
        for event_id, stream_id, version, type_, _, data, metadata in rows:
            body = EventBody(id=event_id, type=type_, data=msgspec.json.decode(data),
                             metadata=msgspec.json.decode(metadata))
            request = AppendRequest(expected_version=version - 1, events=[body])
            result = await appender.append(request.command(stream_id, "bench"))
            assert result.stream_version == version and not result.duplicate, result
            progress.advance(task)
        stored = await pool.fetch("SELECT event_id, data::text FROM events ORDER BY position")
        # The Appender re-encodes each fact canonically: the stored JSON is what COPY loads.
        same = sum(1 for (r, row) in zip(stored, rows) if r[0] == row[0]
                   and msgspec.json.decode(r[1]) == msgspec.json.decode(row[5]))
        if same != total:
            raise SystemExit(f"appender stored {same} of {total} events as generated")
        await store.notifier.flush()
    finally:
        await pool.close()
    return total
