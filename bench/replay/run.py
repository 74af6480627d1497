"""The order of a run: the logs, then each measurement beside its baseline."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
from rich.console import Console

from bench import common
from bench.replay.build import Build, build_database
from bench.replay.catchup import (
    CatchUpFigure,
    Digests,
    compare_digests,
    measure_catch_up,
    row_counts,
)
from bench.replay.ceiling import CeilingFigure, measure_ceiling, relations
from bench.replay.latency import LatencyFigure, measure_latency
from bench.replay.pages import Pages, measure_pages
from bench.replay.profile import Profile, read_profile
from bench.replay.rebuild import RebuildFigure, measure_rebuild
from bench.replay.text import SHAPES
from bench.replay.verify import verify_with_appender

STEPS = ("rebuild", "catch-up", "pages", "latency")


def shapes(shape: str) -> tuple[str, ...]:
    """``--shape``: world, text or both (world first)."""
    return SHAPES if shape == "both" else (shape,)


@dataclass
class Results:
    """The figures of one log shape."""

    facts: dict[str, str]
    shape: str = "world"
    """world (``world.py``) or text (``text.py``)."""
    builds: dict[str, Build] = field(default_factory=dict)
    verified: int = 0
    raw_reads: list[common.RawRead] = field(default_factory=list)
    rebuilds: dict[str, RebuildFigure] = field(default_factory=dict)
    ceiling: CeilingFigure | None = None
    """The bare-SQL ceiling of the big log's rebuild (``ceiling.py``)."""
    profile: Profile | None = None
    catch_up: CatchUpFigure | None = None
    digests: Digests | None = None
    rows: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    """Database label -> table -> (versions, current)."""
    pages: Pages | None = None
    latency: list[LatencyFigure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    database_bytes: dict[str, int] = field(default_factory=dict)
    feed_waits: dict[str, float] = field(default_factory=dict)
    """Step -> seconds waited for the gap-safe feed to read the whole log (``wait_for_feed``)."""
    quiet: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Step -> (seconds waited for a quiet machine, busy share of both cores when it began)."""

    def raw_rate(self, database: str) -> float:
        """The median raw read rate of one database's log in this run."""
        return common.median([r.rate for r in self.raw_reads if r.database == database])


@contextlib.contextmanager
def _timed(seconds: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = time.perf_counter() - started


async def run(args: argparse.Namespace, console: Console) -> list[Results]:
    """Every step for each log shape of ``--shape``, one shape after the other, each on
    databases of its own (dropped before the next shape's are made)."""
    admin = await asyncpg.connect(args.database_url)
    try:
        facts = await common.server_facts(admin)
    finally:
        await admin.close()
    for key, value in facts.items():
        console.print(f"[bold]{key}[/]: {value}")
    every = []
    for shape in shapes(args.shape):
        console.print(f"[bold]The {shape} log[/]")
        every.append(await run_shape(args, console, Results(facts, shape)))
    return every


async def run_shape(args: argparse.Namespace, console: Console, results: Results) -> Results:
    shape = results.shape
    big, small = common.label(args.events), common.label(args.small_events)
    prefix = f"{args.database_prefix}_{shape}"
    names = {big: f"{prefix}_{big.lower()}", small: f"{prefix}_{small.lower()}"}
    live_name = f"{names[big]}_live"
    steps = set(args.steps)
    profile_path = args.py_spy
    if profile_path and args.shape == "both":  # one profile per shape: FILE.world, FILE.text
        profile_path = f"{profile_path}.{shape}"
    clock = functools.partial(_timed, results.seconds)

    async def quiet(step: str) -> None:
        if args.quiet is None:
            return
        waited, busy = await common.wait_until_quiet(args.quiet, timeout=args.quiet_timeout)
        results.quiet[step] = (waited, busy)
        console.print(f"{step}: waited {waited:.0f} s for a quiet machine; both cores "
                      f"{busy:.0%} busy over the last 5 s")
    async with common.benchmark_databases(
        args.database_url, keep=args.keep, console=console
    ) as databases:
        with common.make_progress(console) as progress:
            # The logs.
            if args.verify_events:
                with clock("verify through the Appender"):
                    url = await databases.create(f"{prefix}_verify")
                    results.verified = await verify_with_appender(
                        url, args.verify_events, args.seed + 2, progress, shape
                    )
                    if not args.keep:
                        await databases.drop(f"{prefix}_verify")
            with clock(f"build {big}"):
                url = await databases.create(names[big])
                results.builds[big] = await build_database(
                    url, names[big], big, args.events, args.seed, progress, check=args.check,
                    shape=shape,
                )
            if "pages" in steps:
                with clock(f"build {small}"):
                    url = await databases.create(names[small])
                    results.builds[small] = await build_database(
                        url, names[small], small, args.small_events, args.seed + 1, progress,
                        check="all", shape=shape,
                    )
            gc.collect()
            if "catch-up" in steps:
                # Before the rebuild: the same log, checkpoints at the start, empty read models.
                with clock(f"copy {big} (CREATE DATABASE … TEMPLATE)"):
                    live_url = await databases.create(live_name, template=names[big])
            for name in names.values():
                if name in databases.created:
                    results.database_bytes[name] = await databases.size(name)
            build = results.builds[big]

            # a. The rebuild, between two raw reads of the same log.
            if "rebuild" in steps or "pages" in steps or "latency" in steps:
                await quiet("rebuild")
                results.raw_reads.append(await _raw_read(build.url, names[big], console))
                before = await relations(build.url)
                for attempt in range(1, 4):
                    results.feed_waits[f"rebuild {big}, attempt {attempt}"] = (
                        await wait_for_feed(build.url, console))
                    with clock(f"rebuild {big}"):
                        results.rebuilds[big] = await measure_rebuild(
                            build, args.database_url, progress, batch_size=args.batch_size,
                            chunk_size=args.chunk_size, instrument=not args.no_instrument,
                            profile=profile_path, profile_rate=args.py_spy_rate,
                        )
                    if results.rebuilds[big].events >= build.events:
                        break
                    # Another session's transaction began between the wait and the rebuild.
                    console.print(f"[yellow]the rebuild read {results.rebuilds[big].events:,} of "
                                  f"{build.events:,} events (the feed was held back): again")
                else:
                    raise SystemExit(f"rebuild {big}: the feed was held back three times")
                results.raw_reads.append(await _raw_read(build.url, names[big], console))
                if profile_path:
                    results.profile = read_profile(profile_path)
                # a'. The bare-SQL ceiling: the raw read + COPY of the rebuilt rows into bare
                # tables + their indexes and constraints.
                if args.ceiling_connections:
                    await quiet("ceiling")
                    load = common.load_average()
                    raw = common.median([r.seconds for r in results.raw_reads
                                         if r.database == names[big]])
                    with clock(f"ceiling {big}"):
                        results.ceiling = await measure_ceiling(
                            build.url, names[big], big, build.events, raw, before, progress,
                            connections=args.ceiling_connections, load=load,
                        )

            # b. The live catch-up on the copy, after a raw read of it; c. the digests.
            if "catch-up" in steps:
                await quiet("live catch-up")
                results.raw_reads.append(await _raw_read(live_url, live_name, console))
                results.feed_waits[f"live catch-up {big}"] = await wait_for_feed(live_url, console)
                with clock(f"live catch-up {big}"):
                    results.catch_up = await measure_catch_up(
                        live_name, live_url, args.database_url, big, progress,
                        batch_size=args.batch_size, autovacuum_like=args.autovacuum_like,
                    )
                results.raw_reads.append(await _raw_read(live_url, live_name, console))
                if results.rebuilds:
                    with clock("digests"):
                        results.digests = await compare_digests(build.url, live_url)
                    results.rows["rebuilt"] = await row_counts(build.url)
                    results.rows["live"] = await row_counts(live_url)
                if not args.keep:
                    await databases.drop(live_name)

            # e. Timeline pages, at N and at 10k, and as_of.
            if "pages" in steps:
                results.feed_waits[f"rebuild {small}"] = await wait_for_feed(
                    results.builds[small].url, console)
                with clock(f"rebuild {small}"):
                    results.rebuilds[small] = await measure_rebuild(
                        results.builds[small], args.database_url, progress,
                        batch_size=args.batch_size, chunk_size=args.chunk_size,
                        instrument=not args.no_instrument,
                    )
                await quiet("pages")
                with clock("pages"):
                    results.pages = await measure_pages(
                        build, results.builds[small], progress, rounds=args.page_rounds,
                        warmup=args.page_warmup, explain=args.explain,
                    )

            # d. Append -> visible, the projector in its own process.
            if "latency" in steps:
                for rate in args.rate or [1000.0]:
                    if rate <= 0:
                        continue
                    await quiet(f"latency {rate:,.0f}/s")
                    results.feed_waits[f"latency {rate:,.0f}/s"] = await wait_for_feed(
                        build.url, console)
                    with clock(f"latency {rate:,.0f}/s"):
                        results.latency.append(await measure_latency(
                            build, args.database_url, rate, args.duration, progress, console,
                            in_process=args.projector_in_process, batch_size=args.batch_size,
                            poll_interval=args.poll_interval,
                        ))
    for build in results.builds.values():
        build.world = None
    return results


_HELD_BACK = """SELECT count(*) FROM events
    WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())"""


async def wait_for_feed(url: str, console: Console, *, timeout: float = 900.0) -> float:
    """Wait until the gap-safe feed can read the whole log: it stops below the oldest
    transaction running anywhere on the server, so another session's long transaction (another
    test suite on the same server) holds every event back, and a rebuild begun then reads
    nothing. Seconds waited."""
    connection = await asyncpg.connect(url)
    started = time.perf_counter()
    told = False
    try:
        while (held := await connection.fetchval(_HELD_BACK)) > 0:
            waited = time.perf_counter() - started
            if waited > timeout:
                raise SystemExit(f"the feed held back {held:,} events for {waited:.0f} s: an "
                                 "old transaction runs on the server")
            if not told:
                console.print(f"[yellow]the feed holds back {held:,} events (an older transaction "
                              "runs on the server): waiting for it to end")
                told = True
            await asyncio.sleep(1.0)
    finally:
        await connection.close()
    return time.perf_counter() - started


async def _raw_read(url: str, database: str, console: Console) -> common.RawRead:
    read = await common.timed_raw_read(url, database)
    console.print(f"raw cursor read of {database}: {read.events:,} rows in {read.seconds:.1f} s, "
                  f"{read.rate:,.0f} events/s (load {read.load})")
    return read
