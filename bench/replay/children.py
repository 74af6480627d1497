"""What runs in the benchmark's child processes, each as a service process would run it.

    python -m bench.replay.children rebuild URL RESULT.json [--batch-size N] [--chunk-size N]
    python -m bench.replay.children catch-up URL RESULT.json [--batch-size N]
    python -m bench.replay.children projector URL [--batch-size N] [--poll-interval S]

A process of its own gives each path its own CPU time and peak RSS (``getrusage`` and
``VmHWM`` of exactly that process), and lets py-spy profile the rebuild alone. The first two
print ``progress DONE TOTAL`` lines on stdout and write their figures to RESULT.json; the
projector prints ``ready`` once it leads the projections and runs until SIGTERM.

The rebuild is timed from outside the engine: ``on_progress`` marks the end of each chunk of
the bulk fold, of the closes/indexes/ANALYZE step and of the swap; its connection
(``Rebuild.connection``) is wrapped to time each statement and COPY it sends, by what it does;
``Rebuild.fold.apply`` is wrapped to time the folding (``--no-instrument``: marks only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import asyncpg

from bench import common
from bench.replay import NOTIFY_CHANNEL
from service.projections.base import DEFAULT_BATCH_SIZE
from service.projections.projector import Projector
from service.projections.rebuild import Rebuild
from service.projections.rebuild_status import RebuildStatus
from service.projections.runner import ProjectionRunner
from service.read_models import PROJECTIONS

# --------------------------------------------------------------------------------------------
# The rebuild.
# --------------------------------------------------------------------------------------------


def statement_kind(sql: str) -> str:
    """What a statement of the rebuild's connection does, from its text."""
    words = " ".join(sql.split())
    upper = words.upper()
    if "REBUILD_CLOSES" in upper:
        return "closes"
    if upper.startswith("ANALYZE"):
        return "analyze"
    if "ADD CONSTRAINT" in upper or upper.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
        return "indexes"
    if "PG_GET_CONSTRAINTDEF" in upper or "PG_GET_INDEXDEF" in upper:
        return "indexes"  # reading the live tables' definitions
    if "PROJECTION_REPLAYS" in upper or "COUNT(*)" in upper:
        return "progress"
    if "PROJECTION_SKIPPED_EVENTS" in upper:
        return "skips"
    if "FROM EVENTS" in upper:
        return "feed read"
    if "PROJECTION_CHECKPOINTS" in upper:
        return "checkpoints"
    if upper.startswith(("DROP TABLE", "DROP SCHEMA")) or "SET SCHEMA" in upper:
        return "drop and rename"
    if "ADVISORY" in upper or "LOCK_TIMEOUT" in upper:
        return "locks"
    return "other"


class TimedConnection:
    """``Rebuild.connection`` with a timer around each statement and COPY: seconds by (phase,
    kind), and each statement of the short phases on its own. Everything else passes through."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.phase = "bulk"
        self.seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.statements: list[tuple[str, str, str, float]] = []
        """(phase, kind, statement, seconds) outside the bulk phase."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def _record(self, kind: str, text: str, started: float) -> None:
        seconds = time.perf_counter() - started
        self.seconds[self.phase][kind] += seconds
        self.calls[self.phase][kind] += 1
        if self.phase != "bulk":
            self.statements.append((self.phase, kind, " ".join(text.split())[:160], seconds))

    async def _timed(self, method: str, sql: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await getattr(self._connection, method)(sql, *args, **kwargs)
        finally:
            self._record(statement_kind(sql), sql, started)

    async def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._timed("execute", sql, *args, **kwargs)

    async def executemany(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._timed("executemany", sql, *args, **kwargs)

    async def fetch(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._timed("fetch", sql, *args, **kwargs)

    async def fetchrow(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._timed("fetchrow", sql, *args, **kwargs)

    async def fetchval(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return await self._timed("fetchval", sql, *args, **kwargs)

    async def copy_records_to_table(self, table: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await self._connection.copy_records_to_table(table, *args, **kwargs)
        finally:
            kind = "closes" if table == "rebuild_closes" else "copy"
            rows = len(kwargs.get("records") or ())
            self._record(kind, f"COPY {table} ({rows:,} rows)", started)


class FoldTimer:
    """``Fold.apply`` with a timer (about 0.2 µs per event)."""

    def __init__(self, apply: Any) -> None:
        self._apply = apply
        self.seconds = 0.0

    def __call__(self, event: Any, applies: Any = None) -> None:
        started = time.perf_counter()
        try:
            self._apply(event, applies)
        finally:
            self.seconds += time.perf_counter() - started


def _progress_line(done: int, total: int) -> None:
    print(f"progress {done} {total}", flush=True)


async def rebuild(url: str, result_path: str, *, batch_size: int, chunk_size: int,
                  instrument: bool) -> None:
    """Every projection rebuilt in one pass, as ``replay()`` does, with its phases marked."""
    rss_start = common.rss_bytes()
    started = time.perf_counter()
    rebuild = await Rebuild.begin(url, PROJECTIONS, batch_size=batch_size, chunk_size=chunk_size)
    begun = time.perf_counter()
    total = rebuild.status.events_total
    timed = fold = None
    if instrument:
        timed = TimedConnection(rebuild.connection)
        rebuild.connection = timed
        fold = FoldTimer(rebuild.fold.apply)
        rebuild.fold.apply = fold
    marks: list[dict[str, Any]] = []

    async def on_progress(status: RebuildStatus) -> None:
        now = time.perf_counter()
        marks.append({
            "seconds": now - begun, "done": status.events_done, "total": status.events_total,
            "state": status.state, "rss": common.rss_bytes(),
            "fold": fold.seconds if fold else None,
            "copy": timed.seconds["bulk"]["copy"] if timed else None,
        })
        if timed is not None and timed.phase == "bulk" and status.events_done >= total:
            timed.phase = "finish"  # the closes, indexes and ANALYZE come next
        elif timed is not None and timed.phase == "finish":
            timed.phase = "swap"
        _progress_line(status.events_done, status.events_total)

    status = await rebuild.run(on_progress)
    finished = time.perf_counter()
    counts = {name: [c.applied, c.skipped] for name, c in rebuild.fold.counts.items()}
    result = {
        "events": status.events_done,
        "events_total_at_begin": total,
        "state": status.state,
        "error": status.error,
        "begin_seconds": begun - started,
        "run_seconds": finished - begun,
        "seconds": finished - started,
        "marks": marks,
        "counts": counts,
        "fold_seconds": fold.seconds if fold else None,
        "statement_seconds": {p: dict(k) for p, k in timed.seconds.items()} if timed else None,
        "statement_calls": {p: dict(k) for p, k in timed.calls.items()} if timed else None,
        "statements": timed.statements if timed else None,
        "rss_start": rss_start,
        "usage": common.own_usage(),
        "batch_size": batch_size,
        "chunk_size": chunk_size,
    }
    with open(result_path, "w") as out:
        json.dump(result, out)


# --------------------------------------------------------------------------------------------
# The live path catching up from zero.
# --------------------------------------------------------------------------------------------


async def catch_up(url: str, result_path: str, *, batch_size: int, stall_seconds: float) -> None:
    """A ``ProjectionRunner`` of every projection, as the projector runs it, from checkpoints at
    the start until it has folded every event of the log; then cancelled."""
    connection = await asyncpg.connect(url)
    try:
        total = await connection.fetchval("SELECT count(*) FROM events")
        behind = await connection.fetchval(
            "SELECT count(*) FROM projection_checkpoints WHERE position > 0"
        )
        if behind:
            raise SystemExit(f"catch-up: {behind} checkpoints are not at the start")
    finally:
        await connection.close()
    rss_start = common.rss_bytes()
    marks: list[dict[str, Any]] = []
    done = 0
    finished = asyncio.Event()
    last = [time.perf_counter()]

    async def after_batch(count: int) -> None:
        nonlocal done
        done += count
        now = time.perf_counter()
        last[0] = now
        marks.append({"seconds": now - started, "done": done, "rss": common.rss_bytes()})
        if len(marks) % 20 == 0 or done >= total:
            _progress_line(done, total)
        if done >= total:
            finished.set()

    runner = ProjectionRunner(
        PROJECTIONS, url, batch_size=batch_size, notify_channel=NOTIFY_CHANNEL,
        poll_interval=5.0, after_batch=after_batch,
    )
    started = time.perf_counter()
    task = asyncio.create_task(runner.run())
    try:
        while not finished.is_set():
            try:
                await asyncio.wait_for(finished.wait(), 5)
            except TimeoutError:
                if time.perf_counter() - last[0] > stall_seconds:
                    raise SystemExit(f"catch-up: no batch for {stall_seconds:.0f} s at {done}") from None
        seconds = time.perf_counter() - started
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT name, events_applied, events_skipped, last_error FROM projection_checkpoints"
        )
        skipped = await connection.fetchval("SELECT count(*) FROM projection_skipped_events")
    finally:
        await connection.close()
    result = {
        "events": done,
        "seconds": seconds,
        "batches": len(marks),
        "marks": marks,
        "counts": {row[0]: [row[1], row[2]] for row in rows},
        "errors": {row[0]: row[3] for row in rows if row[3]},
        "skipped_rows": skipped,
        "rss_start": rss_start,
        "usage": common.own_usage(),
        "batch_size": batch_size,
    }
    with open(result_path, "w") as out:
        json.dump(result, out)


# --------------------------------------------------------------------------------------------
# The projector, as a service instance runs it.
# --------------------------------------------------------------------------------------------


async def projector(url: str, *, batch_size: int, poll_interval: float) -> None:
    projector = Projector(
        PROJECTIONS, url, batch_size=batch_size, notify_channel=NOTIFY_CHANNEL,
        poll_interval=poll_interval,
    )
    await projector.start()
    await projector.runner.wait_until_leader()
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    await projector.stop()
    print(json.dumps({"usage": common.own_usage()}), flush=True)


# --------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay.children")
    parser.add_argument("role", choices=["rebuild", "catch-up", "projector"])
    parser.add_argument("url")
    parser.add_argument("result", nargs="?")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--stall-seconds", type=float, default=300.0)
    parser.add_argument("--no-instrument", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if args.role == "rebuild":
        from service.projections.rebuild import DEFAULT_CHUNK_SIZE

        asyncio.run(rebuild(args.url, args.result, batch_size=args.batch_size,
                            chunk_size=args.chunk_size or DEFAULT_CHUNK_SIZE,
                            instrument=not args.no_instrument))
    elif args.role == "catch-up":
        asyncio.run(catch_up(args.url, args.result, batch_size=args.batch_size,
                             stall_seconds=args.stall_seconds))
    else:
        asyncio.run(projector(args.url, batch_size=args.batch_size,
                              poll_interval=args.poll_interval))
    return 0


if __name__ == "__main__":
    sys.exit(main())
