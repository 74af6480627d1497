"""a. The full rebuild of every read model, in a child process, beside the raw read of the log.

The child (``children.rebuild``) runs ``Rebuild.begin`` + ``run`` for ``PROJECTIONS``, what
``rebuild()`` and ``policy-timeline replay`` do. This side samples the PostgreSQL backends' CPU
while it runs, and turns the child's marks into the rebuild's phases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from rich.progress import Progress

from bench import common
from bench.replay.build import Build
from bench.replay.spawn import run_child


@dataclass
class Phase:
    name: str
    seconds: float
    parts: dict[str, float] = field(default_factory=dict)
    """What the phase's time was spent on, adding up to it (``remainder``: not timed
    separately)."""
    overlapping: dict[str, float] = field(default_factory=dict)
    """Wall time of work that ran beside the parts (the bulk's COPYs, while the fold goes on)."""


@dataclass
class RebuildFigure:
    label: str
    database: str
    result: dict[str, Any]
    """The child's figures (``children.rebuild``)."""
    backend_cpu: dict[str, float]
    """PostgreSQL CPU seconds by application name (the rebuild's connection, its reader)."""
    busy: float
    """Share of both cores busy while it ran (anyone's work)."""
    load_before: str
    load_after: str
    profile: str | None = None
    statements: list[tuple[str, str, float]] = field(default_factory=list)
    """The PostgreSQL statements most often seen running (pg_stat_activity samples)."""

    @property
    def events(self) -> int:
        return self.result["events"]

    @property
    def seconds(self) -> float:
        """``Rebuild.begin`` + ``run``, in the child (not its start-up)."""
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

    def phases(self) -> list[Phase]:
        return rebuild_phases(self.result)

    def rss_by_tenth(self) -> list[int]:
        """Resident memory after each tenth of the bulk fold."""
        marks = [m for m in self.result["marks"] if m["done"] <= self.events]
        return [
            next((m["rss"] for m in marks if m["done"] >= self.events * part / 10), marks[-1]["rss"])
            for part in range(1, 11)
        ]


def rebuild_phases(result: dict[str, Any]) -> list[Phase]:
    """prepare (``begin``), bulk (cursor read, fold, COPY), closes/indexes/ANALYZE, swap, close.

    The bulk ends at the first mark that has every event of the log, the next mark ends the
    closes/indexes/ANALYZE step (and an empty catch-up read), the last one the swap."""
    marks = result["marks"]
    total = result["events_total_at_begin"]
    statement_seconds = result.get("statement_seconds") or {}
    bulk_end = next(i for i, mark in enumerate(marks) if mark["done"] >= total)
    bulk = marks[bulk_end]
    phases = [Phase("prepare (begin: locks, empty copies, count)", result["begin_seconds"])]

    # The engine fetches the next chunk and COPYs the last one while it folds this one (one
    # thread: the fold yields every 1,000 events), so only the fold is on the critical path
    # for sure; the COPYs' wall time overlaps it.
    parts: dict[str, float] = {}
    overlapping: dict[str, float] = {}
    if bulk["fold"] is not None:
        parts["fold (Fold.apply, Python)"] = bulk["fold"]
        parts["not folding: COPY encoding, rows to events, waits for the cursor or the COPY"] = (
            bulk["seconds"] - bulk["fold"]
        )
        bulk_statements = statement_seconds.get("bulk", {})
        overlapping["COPY calls in flight (wall)"] = bulk_statements.get("copy", 0.0)
        overlapping["progress and skips statements (wall)"] = sum(
            seconds for kind, seconds in bulk_statements.items() if kind != "copy"
        )
    phases.append(Phase("bulk: one cursor, fold, COPY", bulk["seconds"], parts, overlapping))

    finish_end = marks[bulk_end + 1]["seconds"] if len(marks) > bulk_end + 1 else bulk["seconds"]
    parts = _statement_parts(statement_seconds.get("finish"), finish_end - bulk["seconds"])
    phases.append(Phase("closes, indexes, ANALYZE (+ an empty catch-up read)",
                        finish_end - bulk["seconds"], parts))

    last = marks[-1]["seconds"]
    parts = _statement_parts(statement_seconds.get("swap"), last - finish_end)
    phases.append(Phase("swap (catch-up batch, drop, rename, checkpoints)", last - finish_end, parts))
    phases.append(Phase("close connections", result["run_seconds"] - last))
    return phases


def _statement_parts(seconds: dict[str, float] | None, wall: float) -> dict[str, float]:
    if not seconds:
        return {}
    parts = dict(sorted(seconds.items(), key=lambda item: -item[1]))
    parts["remainder"] = wall - sum(parts.values())
    return parts


def rates_by_tenth(marks: list[dict[str, Any]], events: int, limit: int | None = None) -> list[float]:
    """Events/s within each tenth of the log (from (seconds, done) marks): whether the path
    slows down as its tables grow. ``limit``: only the marks up to that many events."""
    points = [(0.0, 0)] + [(m["seconds"], m["done"]) for m in marks
                           if limit is None or m["done"] <= limit]
    rates = []
    for part in range(1, 11):
        low, high = events * (part - 1) / 10, events * part / 10
        start = next((p for p in points if p[1] >= low), points[-1])
        end = next((p for p in points if p[1] >= high), points[-1])
        rates.append((end[1] - start[1]) / (end[0] - start[0]) if end[0] > start[0] else math.nan)
    return rates


async def measure_rebuild(
    build: Build,
    admin_url: str,
    progress: Progress,
    *,
    batch_size: int,
    chunk_size: int,
    instrument: bool,
    profile: str | None = None,
    profile_rate: int = 100,
) -> RebuildFigure:
    options = ["--batch-size", str(batch_size), "--chunk-size", str(chunk_size)]
    if not instrument:
        options.append("--no-instrument")
    load_before = common.load_average()
    cpu_before = common.machine_cpu()
    async with common.BackendCpu(admin_url, build.database) as backends:
        run = await run_child(
            "rebuild", build.url, options, progress,
            f"rebuild {build.label}" + (" (py-spy)" if profile else ""),
            profile=profile, profile_rate=profile_rate,
        )
    figure = RebuildFigure(
        build.label, build.database, run.result, backends.by_application(),
        common.busy_share(cpu_before, common.machine_cpu()), load_before, common.load_average(),
        profile, backends.top_statements(),
    )
    if figure.result["state"] != "completed":
        raise SystemExit(f"rebuild {build.label}: {figure.result['state']} {figure.result['error']}")
    return figure
