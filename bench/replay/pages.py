"""e. Timeline pages: at N events against 10,000, and ``as_of`` an instant against now.

``service.queries.timeline.timeline_page`` (what ``GET /agencies/{id}/timeline`` runs, without
HTTP) for the busiest agency, 50 entries a page, on a connection per database with the
service's session settings: the first page, a from/to period of three months in the middle of
the world's ten years, a page deep in the timeline (cursor at 90%); and the first page and the
period ``as_of`` the ``recorded_at`` of the event in the middle of the log. ``SELECT 1`` on the
same connections in the same loop is the floor. Warm-up rounds first; each round asks every case
on every database, the order of the databases alternating.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from rich.progress import Progress

from bench import common
from bench.replay.build import Build
from bench.replay.world import EPOCH, SPAN_DAYS
from service.database import SESSION
from service.queries.paging import SortKey
from service.queries.timeline import timeline_page

PAGE = 50


@dataclass
class PageCase:
    name: str
    kind: str
    """``page``: compared across sizes; ``as_of``: against its ``now`` twin; ``floor``."""
    arguments: dict[str, dict[str, Any]]
    """Database label -> keyword arguments of ``timeline_page`` (None: ``SELECT 1``)."""
    twin: str | None = None
    """For an ``as_of`` case: the name of the same request without it."""
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    entries: dict[str, int] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)


@dataclass
class Pages:
    agency_id: str
    entries: dict[str, int]
    """Database label -> current timeline entries of the agency."""
    as_of: datetime
    known_then: int
    """The agency's entries known at ``as_of`` on the big database."""
    cases: list[PageCase]
    rounds: int
    warmup: int
    load_before: str
    load_after: str

    def case(self, name: str) -> PageCase:
        return next(case for case in self.cases if case.name == name)


class RecordingConnection:
    """A connection that remembers the last query it fetched, to EXPLAIN it afterwards."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.last: tuple[str, tuple] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    async def fetch(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        self.last = (sql, args)
        return await self._connection.fetch(sql, *args, **kwargs)


async def _busiest_agency(connection: asyncpg.Connection) -> tuple[str, int]:
    row = await connection.fetchrow(
        "SELECT agency_id, count(*) FROM timeline_entries WHERE known_until IS NULL"
        " GROUP BY agency_id ORDER BY count(*) DESC LIMIT 1"
    )
    return row[0], row[1]


async def _deep_key(connection: asyncpg.Connection, agency_id: str, fraction: float) -> SortKey:
    total = await connection.fetchval(
        "SELECT count(*) FROM timeline_entries WHERE agency_id = $1 AND known_until IS NULL",
        agency_id,
    )
    row = await connection.fetchrow(
        "SELECT earliest, precision_rank, position FROM timeline_entries"
        " WHERE agency_id = $1 AND known_until IS NULL"
        " ORDER BY earliest, precision_rank, position OFFSET $2 LIMIT 1",
        agency_id, int(total * fraction),
    )
    return SortKey(row[0], row[1], row[2])


async def _middle_instant(connection: asyncpg.Connection) -> datetime:
    """The ``recorded_at`` of the event in the middle of the log."""
    count = await connection.fetchval("SELECT count(*) FROM events")
    return await connection.fetchval(
        "SELECT recorded_at FROM events ORDER BY position OFFSET $1 LIMIT 1", count // 2
    )


async def measure_pages(
    big: Build, small: Build, progress: Progress, *, rounds: int, warmup: int, explain: bool
) -> Pages:
    labels = [big.label, small.label]
    urls = {big.label: big.url, small.label: small.url}
    connections: dict[str, RecordingConnection] = {}
    load_before = common.load_average()
    try:
        for name, url in urls.items():
            connections[name] = RecordingConnection(await asyncpg.connect(
                url, server_settings={"application_name": "bench pages", **SESSION}
            ))
        agency_id, _ = await _busiest_agency(connections[big.label])
        entries = {}
        deep = {}
        for name, connection in connections.items():
            entries[name] = await connection.fetchval(
                "SELECT count(*) FROM timeline_entries WHERE agency_id = $1"
                " AND known_until IS NULL", agency_id,
            )
            deep[name] = await _deep_key(connection, agency_id, 0.9)
        as_of = await _middle_instant(connections[big.label])
        known_then = await connections[big.label].fetchval(
            "SELECT count(*) FROM timeline_entries WHERE agency_id = $1 AND known_from <= $2"
            " AND (known_until IS NULL OR known_until > $2)", agency_id, as_of,
        )
        middle = dt.date.fromordinal(EPOCH + SPAN_DAYS // 2)
        start, end = middle.replace(day=1), (middle + dt.timedelta(days=92)).replace(day=1)
        end -= dt.timedelta(days=1)
        period = {"start": start, "end": end}
        period_name = f"from {start.isoformat()} to {end.isoformat()}"
        cases = [
            PageCase("first page", "page", {n: {} for n in labels}),
            PageCase(period_name, "page", {n: dict(period) for n in labels}),
            PageCase("deep page (cursor at 90%)", "page", {n: {"after": deep[n]} for n in labels}),
            PageCase("first page, as_of middle", "as_of", {big.label: {"as_of": as_of}},
                     twin="first page"),
            PageCase(f"{period_name}, as_of middle", "as_of",
                     {big.label: {**period, "as_of": as_of}}, twin=period_name),
            PageCase("SELECT 1 (floor)", "floor", {n: None for n in labels}),
        ]
        task = progress.add_task("timeline pages",
                                 total=(rounds + warmup) * sum(len(c.arguments) for c in cases))
        for case in cases:  # once, for the entries returned (and the plans)
            for name, arguments in case.arguments.items():
                if arguments is None:
                    continue
                connection = connections[name]
                page = await timeline_page(connection, agency_id, limit=PAGE, **arguments)
                case.entries[name] = len(page.entries)
                if explain and connection.last is not None:
                    sql, args = connection.last
                    rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *args)
                    case.plans[name] = "\n".join(row[0] for row in rows)
        for round_ in range(warmup + rounds):
            order = labels if round_ % 2 == 0 else labels[::-1]
            for case in cases:
                for name in order:
                    if name not in case.arguments:
                        continue
                    arguments = case.arguments[name]
                    connection = connections[name]
                    started = time.perf_counter()
                    if arguments is None:
                        await connection.fetchval("SELECT 1")
                    else:
                        await timeline_page(connection, agency_id, limit=PAGE, **arguments)
                    elapsed = time.perf_counter() - started
                    if round_ >= warmup:
                        case.samples[name].append(elapsed)
                    progress.advance(task)
    finally:
        for connection in connections.values():
            await connection.close()
    return Pages(agency_id, entries, as_of, known_then, cases, rounds, warmup, load_before,
                 common.load_average())
