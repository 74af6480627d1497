"""b. The live path catching up from zero, and c. its tables against the rebuild's.

The catch-up runs on a copy of the loaded database made before the rebuild (``CREATE DATABASE
… TEMPLATE``): the same log, the same ``recorded_at`` and positions, checkpoints at the start,
empty read models. The child (``children.catch_up``) runs a ``ProjectionRunner`` of every
projection, as the projector does, until it has folded every event.

Then ``table_digest`` of every projection on both databases: the rebuild's tables must equal
the live path's, row for row (versions, ``known_from``/``known_until`` included).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from rich.progress import Progress

from bench import common
from bench.replay.spawn import run_child
from harness.digest import table_digest
from service.read_models import PROJECTIONS


class AutovacuumLike:
    """What autovacuum does where it runs (this server has ``autovacuum = off``), from outside
    the engine, for a catch-up on such a server: every 2 s, ANALYZE each read-model table once
    50 + 10% of its rows changed since its last analyze, and VACUUM it once 1,000 + 20% were
    inserted since its last vacuum (which also merges GIN pending lists), as autovacuum's
    default thresholds say. Counts and times what it ran."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.tables = [table for projection in PROJECTIONS for table in projection.tables]
        self.analyzes = 0
        self.vacuums = 0
        self.seconds = 0.0
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> AutovacuumLike:
        self._connection = await asyncpg.connect(self.url)
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._connection.close()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(2)
            rows = await self._connection.fetch(
                """SELECT s.relname, s.n_mod_since_analyze, s.n_ins_since_vacuum,
                          greatest(c.reltuples, 0)
                   FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
                   WHERE s.schemaname = 'public' AND s.relname = ANY ($1::text[])""",
                self.tables,
            )
            for table, modified, inserted, tuples in rows:
                started = time.perf_counter()
                if inserted > 1000 + 0.2 * tuples:
                    await self._connection.execute(f'VACUUM (ANALYZE) "{table}"')
                    self.vacuums += 1
                    self.analyzes += 1
                elif modified > 50 + 0.1 * tuples:
                    await self._connection.execute(f'ANALYZE "{table}"')
                    self.analyzes += 1
                self.seconds += time.perf_counter() - started


@dataclass
class CatchUpFigure:
    label: str
    database: str
    result: dict[str, Any]
    backend_cpu: dict[str, float]
    busy: float
    load_before: str
    load_after: str
    statements: list[tuple[str, str, float]] = field(default_factory=list)
    """The PostgreSQL statements most often seen running (pg_stat_activity samples)."""
    autovacuum: tuple[int, int, float] | None = None
    """With ``--autovacuum-like``: (ANALYZEs, VACUUMs, seconds they took)."""

    @property
    def events(self) -> int:
        return self.result["events"]

    @property
    def seconds(self) -> float:
        return self.result["seconds"]

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def cpu(self) -> float:
        usage = self.result["usage"]
        return usage["user_seconds"] + usage["system_seconds"]

    @property
    def peak_rss(self) -> int:
        return self.result["usage"]["vmhwm_bytes"]

    @property
    def skipped(self) -> int:
        return sum(skipped for _, skipped in self.result["counts"].values())


async def measure_catch_up(
    database: str, url: str, admin_url: str, label: str, progress: Progress, *, batch_size: int,
    autovacuum_like: bool = False,
) -> CatchUpFigure:
    load_before = common.load_average()
    cpu_before = common.machine_cpu()
    autovacuum = AutovacuumLike(url) if autovacuum_like else None
    async with contextlib.AsyncExitStack() as stack:
        backends = await stack.enter_async_context(common.BackendCpu(admin_url, database))
        if autovacuum is not None:
            await stack.enter_async_context(autovacuum)
        run = await run_child(
            "catch-up", url, ["--batch-size", str(batch_size)], progress,
            f"live catch-up {label} ({batch_size}/batch)",
        )
    figure = CatchUpFigure(
        label, database, run.result, backends.by_application(),
        common.busy_share(cpu_before, common.machine_cpu()), load_before, common.load_average(),
        backends.top_statements(),
        (autovacuum.analyzes, autovacuum.vacuums, autovacuum.seconds) if autovacuum else None,
    )
    if figure.result["errors"]:
        raise SystemExit(f"catch-up {label}: {figure.result['errors']}")
    return figure


# --------------------------------------------------------------------------------------------
# c. Digests.
# --------------------------------------------------------------------------------------------

# The same fingerprint as ``table_digest`` where that one cannot be computed (a table whose
# text is over 1 GB, PostgreSQL's limit for one value): md5 over each row's md5, in the order
# of those (so physical order does not count either).
_ROW_HASHES = """SELECT md5(coalesce(string_agg(h, '' ORDER BY h COLLATE "C"), ''))
    FROM (SELECT md5(r::text) AS h FROM {table} AS r) AS rows"""


@dataclass
class Digests:
    rebuilt: dict[str, str] = field(default_factory=dict)
    live: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """Where ``table_digest`` failed and the row-hash digest stood in."""

    @property
    def equal(self) -> list[str]:
        return [name for name in self.rebuilt if self.rebuilt[name] == self.live.get(name)]

    @property
    def different(self) -> list[str]:
        return [name for name in self.rebuilt if self.rebuilt[name] != self.live.get(name)]


async def _digests(url: str, notes: list[str], side: str) -> dict[str, str | None]:
    """``table_digest`` of every projection; None where it failed."""
    connection = await asyncpg.connect(url)
    try:
        digests: dict[str, str | None] = {}
        for projection in PROJECTIONS:
            try:
                digests[projection.name] = await table_digest(connection, projection)
            except asyncpg.PostgresError as error:
                notes.append(f"{side} {projection.name}: table_digest failed "
                             f"({type(error).__name__}: {error})")
                digests[projection.name] = None
        return digests
    finally:
        await connection.close()


async def _row_hash_digests(url: str, names: list[str]) -> dict[str, str]:
    connection = await asyncpg.connect(url)
    try:
        digests = {}
        for projection in PROJECTIONS:
            if projection.name in names:
                parts = [
                    f"{table}:{await connection.fetchval(_ROW_HASHES.format(table=table))}"
                    for table in projection.tables
                ]
                digests[projection.name] = "row hashes " + ";".join(parts)
        return digests
    finally:
        await connection.close()


async def compare_digests(rebuilt_url: str, live_url: str) -> Digests:
    """Every projection's digest on both databases, side by side (one connection each)."""
    digests = Digests()
    started = time.perf_counter()
    rebuilt, live = await asyncio.gather(
        _digests(rebuilt_url, digests.notes, "rebuilt"), _digests(live_url, digests.notes, "live")
    )
    failed = [name for name in rebuilt if rebuilt[name] is None or live[name] is None]
    if failed:
        digests.notes.append(f"row-hash digests on both sides for {', '.join(failed)}")
        hashed = await asyncio.gather(
            _row_hash_digests(rebuilt_url, failed), _row_hash_digests(live_url, failed)
        )
        for side, values in zip((rebuilt, live), hashed, strict=True):
            side.update(values)
    digests.rebuilt = {name: value or "" for name, value in rebuilt.items()}
    digests.live = {name: value or "" for name, value in live.items()}
    digests.seconds = time.perf_counter() - started
    return digests


async def row_counts(url: str) -> dict[str, tuple[int, int]]:
    """Rows of each read-model table: (all versions, current)."""
    connection = await asyncpg.connect(url)
    try:
        counts = {}
        for projection in PROJECTIONS:
            for table in projection.tables:
                counts[table] = tuple(await connection.fetchrow(
                    f"SELECT count(*), count(*) FILTER (WHERE known_until IS NULL) FROM {table}"
                ))
        return counts
    finally:
        await connection.close()
