"""The report: every figure with its baseline, the ratio and the target, on the console and,
with ``--markdown``, as Markdown for ``docs/benchmarks.md``."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from bench import common
from bench.replay.ceiling import CeilingFigure
from bench.replay.latency import LatencyFigure
from bench.replay.profile import Profile
from bench.replay.rebuild import RebuildFigure, rates_by_tenth
from bench.replay.run import Results

REBUILD_TARGET = 0.10
"""The rebuild against a raw cursor read of the log."""
CEILING_TARGET = 0.6
"""The rebuild against the bare-SQL ceiling (``ceiling.py``)."""
RSS_TARGET = 600 * 10**6
"""The rebuild's peak RSS at 1M events (bytes)."""
CATCH_UP_TARGET = 0.05
LATENCY_TARGET = 0.100
SIZE_TARGET = 1.2
AS_OF_TARGET = 2.0


class Out:
    """Console and Markdown at once."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.markdown: list[str] = []
        self.prefix = ""
        """Put before every heading: which log shape the figures are of."""

    def heading(self, text: str) -> None:
        text = self.prefix + text
        self.console.print(f"\n[bold]{text}[/]")
        self.markdown += [f"#### {text}", ""]

    def line(self, text: str = "") -> None:
        self.console.print(text, markup=False, highlight=False)
        self.markdown += [text, ""] if text else [""]

    def bullets(self, lines: Sequence[str]) -> None:
        for text in lines:
            self.console.print(f"  - {text}", markup=False, highlight=False)
            self.markdown.append(f"- {text}")
        self.markdown.append("")

    def table(self, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]],
              *, left: int = 1, bold_last: bool = False) -> None:
        table = Table(title=title)
        for index, column in enumerate(columns):
            table.add_column(column, justify="left" if index < left else "right")
        for index, row in enumerate(rows):
            table.add_row(*row, style="bold" if bold_last and index == len(rows) - 1 else None)
        self.console.print(table)
        if title:
            self.markdown += [title + ":", ""]
        self.markdown.append("| " + " | ".join(columns) + " |")
        self.markdown.append("|" + "".join("---|" if i < left else "---:|"
                                           for i in range(len(columns))))
        for index, row in enumerate(rows):
            cells = [f"**{c}**" if bold_last and index == len(rows) - 1 and c else c
                     for c in row]
            self.markdown.append("| " + " | ".join(cells) + " |")
        self.markdown.append("")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _met(ok: bool) -> str:
    return "met" if ok else "not met"


def _backends(seconds: dict[str, float]) -> str:
    """PostgreSQL CPU by application name, the names shortened."""
    parts = []
    for name, value in seconds.items():
        name = name.removeprefix("policy-timeline ") or "?"
        if name.startswith("rebuild ") and name not in (
            "rebuild reader", "rebuild loader", "rebuild indexes"
        ):
            name = "rebuild (its own connection)"
        parts.append(f"{name} {value:.1f} s")
    return ", ".join(parts)


def _rates(rates: Sequence[float]) -> str:
    return ", ".join("n/a" if math.isnan(r) else f"{r:,.0f}" for r in rates)


SHAPE_NAMES = {"world": "world log", "text": "text log (seed clones)"}


def report(every: Sequence[Results], args: argparse.Namespace, console: Console) -> None:
    """Each log shape's figures under headings that name it, then one summary of all."""
    out = Out(console)
    verdicts: list[list[str]] = []
    out.heading("Machine and server")
    out.bullets([f"{key}: {value}" for key, value in every[0].facts.items()])
    for results in every:
        name = SHAPE_NAMES.get(results.shape, results.shape)
        out.prefix = f"{name}: "
        rows: list[list[str]] = []
        _shape(out, results, rows, args)
        verdicts += [[name, *row] for row in rows]
    out.prefix = ""

    out.heading("Summary")
    out.table("", ["log", "figure", "measured", "baseline (same run)", "ratio", "target", "met?"],
              verdicts, left=2)
    for results in every:
        name = SHAPE_NAMES.get(results.shape, results.shape)
        out.line(f"Phases, {name}: " + ", ".join(
            f"{k} {v:,.0f} s" for k, v in results.seconds.items()) + ".")
        waits = {step: seconds for step, seconds in results.feed_waits.items() if seconds >= 0.5}
        if waits:
            out.line(f"Waits for the feed to read the whole log (an older transaction ran on the "
                     f"server), {name}: " + ", ".join(
                         f"{step} {seconds:,.0f} s" for step, seconds in waits.items()) + ".")
        if results.quiet:
            out.line(f"Waits for a quiet machine (--quiet), {name}: " + ", ".join(
                f"{step}: {waited:,.0f} s, then {busy:.0%} busy" for step, (waited, busy)
                in results.quiet.items()) + ".")
    if args.markdown:
        print()
        print("\n".join(out.markdown))


def _shape(out: Out, results: Results, verdicts: list[list[str]],
           args: argparse.Namespace) -> None:
    big = common.label(args.events)
    small = common.label(args.small_events)
    _logs(out, results)
    _raw_reads(out, results)
    if big in results.rebuilds:
        _rebuild(out, results, results.rebuilds[big], verdicts, args)
        if results.ceiling is not None:
            _ceiling(out, results.ceiling, results.rebuilds[big], results, verdicts)
    if small in results.rebuilds:
        figure = results.rebuilds[small]
        out.line(f"The {small} log (for the pages) rebuilt in {figure.seconds:.2f} s "
                 f"({figure.rate:,.0f} events/s), peak RSS {_mib(figure.peak_rss)}.")
    if results.profile is not None:
        _profile(out, results.profile, results.rebuilds.get(big))
    if results.catch_up is not None:
        _catch_up(out, results, verdicts, args)
    if results.digests is not None:
        _digests(out, results, verdicts)
    if results.pages is not None:
        _pages(out, results, verdicts, big, small)
    if results.latency:
        _latency(out, results.latency, verdicts, args)


# --------------------------------------------------------------------------------------------


def _logs(out: Out, results: Results) -> None:
    rows = []
    for build in results.builds.values():
        rows.append([
            build.label, f"{build.events:,}", f"{build.generate_seconds:.1f}",
            f"{build.load_seconds:.1f}", f"{build.wall_seconds:.1f}",
            f"{build.events / build.wall_seconds:,.0f}", f"{build.checked:,}",
            _mib(build.table_bytes),
        ])
    out.heading("The generated logs")
    out.table("", ["log", "events", "generate + check (s)", "COPY (s)", "wall (s)",
                   "events/s loaded", "checked", "`events` size"], rows)
    kinds = sorted({k for b in results.builds.values() for k in b.counts})
    out.table("", ["event type", *results.builds],
              [[f"`{k}`", *(f"{b.counts.get(k, 0):,}" for b in results.builds.values())]
               for k in kinds])
    if results.verified:
        out.line(f"{results.verified:,} events of another generated log appended one by one "
                 "through the service's Appender (the API's checks): all accepted, stored as "
                 "generated.")
    if results.database_bytes:
        out.line("Database sizes after loading: " + ", ".join(
            f"{name} {_mib(size)}" for name, size in results.database_bytes.items()) + ".")


def _raw_reads(out: Out, results: Results) -> None:
    if not results.raw_reads:
        return
    out.heading("Baseline: raw asyncpg cursor reads of the log")
    out.line("`SELECT * FROM events ORDER BY position` through one asyncpg cursor (prefetch "
             "1000) in a read-only REPEATABLE READ transaction, rows decoded and dropped.")
    out.table("", ["database", "when", "rows", "seconds", "events/s", "client CPU (s)",
                   "server CPU (s)", "load average before"], [
        [read.database, when, f"{read.events:,}", f"{read.seconds:.2f}", f"{read.rate:,.0f}",
         f"{read.client_cpu:.2f}", f"{read.server_cpu:.2f}", read.load]
        for read, when in zip(results.raw_reads, _raw_read_moments(results), strict=False)
    ])


def _cpu_per_event(results: Results, database: str) -> float:
    """CPU seconds per event of the raw reads of a database, client and server together."""
    reads = [r for r in results.raw_reads if r.database == database]
    return common.median([(r.client_cpu + r.server_cpu) / r.events for r in reads])


def _raw_read_moments(results: Results) -> list[str]:
    moments = []
    if results.rebuilds:
        moments += ["before the rebuild", "after the rebuild"]
    if results.catch_up is not None:
        moments += ["before the live catch-up", "after the live catch-up"]
    return moments


def _rebuild(out: Out, results: Results, figure: RebuildFigure, verdicts: list[list[str]],
             args: argparse.Namespace) -> None:
    raw = results.raw_rate(figure.database)
    ratio = figure.rate / raw
    profiled = " (under py-spy: slower than without)" if figure.profile else ""
    out.heading(f"a. Full rebuild of every read model, {figure.label} events{profiled}")
    out.line(f"Rebuild.begin + run of all {len(figure.result['counts'])} projections in one pass, "
             f"chunk {figure.result['chunk_size']:,}, in a child process: "
             f"{figure.events:,} events in {figure.seconds:.1f} s = {figure.rate:,.0f} events/s; "
             f"raw cursor read {raw:,.0f} events/s (median of this run's reads of the same "
             f"database); ratio {ratio:.3f}x (target >= {REBUILD_TARGET}x: "
             f"{_met(ratio >= REBUILD_TARGET)}).")
    verdicts.append([f"a. rebuild, {figure.label} events" + (" (py-spy)" if figure.profile else ""),
                     f"{figure.rate:,.0f} events/s ({figure.seconds:.1f} s)",
                     f"raw read {raw:,.0f} events/s", f"{ratio:.3f}x",
                     f">= {REBUILD_TARGET}x", _met(ratio >= REBUILD_TARGET)])
    rss_met = figure.peak_rss <= RSS_TARGET
    verdicts.append([f"a. rebuild's peak RSS, {figure.label} events",
                     f"{figure.peak_rss / 1e6:,.0f} MB", "", "",
                     f"<= {RSS_TARGET / 1e6:,.0f} MB at 1M events",
                     _met(rss_met) if figure.events >= 1_000_000
                     else ("under" if rss_met else "over") + f" at {figure.label}"])
    rows = []
    for phase in figure.phases():
        rows.append([phase.name, f"{phase.seconds:.2f}", f"{phase.seconds / figure.seconds:.0%}"])
        for part, seconds in phase.parts.items():
            rows.append([f"· {part}", f"{seconds:.2f}", f"{seconds / figure.seconds:.0%}"])
        for part, seconds in phase.overlapping.items():
            rows.append([f"· beside it: {part}", f"({seconds:.2f})", ""])
    rows.append(["total (begin + run)", f"{figure.seconds:.2f}", "100%"])
    out.table("Where the rebuild's time went (timed from outside the engine)",
              ["phase", "seconds", "share"], rows, bold_last=True)
    usage = figure.result["usage"]
    backends = figure.backend_cpu
    out.bullets([
        f"CPU: the rebuild's process {figure.cpu:.1f} s (user {usage['user_seconds']:.1f}, "
        f"system {usage['system_seconds']:.1f}); PostgreSQL backends "
        + _backends(backends) + " (sampled every 0.2 s)"
        + f"; both cores {figure.busy:.0%} busy; load average "
        f"{figure.load_before} before, {figure.load_after} after",
        f"Python share of the wall time: {figure.cpu / figure.seconds:.0%}; PostgreSQL's "
        f"(the rebuild's backends): {sum(backends.values()) / figure.seconds:.0%}",
        _cpu_line(results, figure.database, figure.cpu + sum(backends.values()), figure.events),
        f"peak RSS of the rebuild's process (VmHWM): {_mib(figure.peak_rss)}; "
        f"{_mib(figure.result['rss_start'])} before Rebuild.begin; "
        f"{(figure.peak_rss - figure.result['rss_start']) / figure.events:,.0f} bytes per event "
        f"above that; RSS after each tenth of the bulk fold: "
        + ", ".join(_mib(r) for r in figure.rss_by_tenth()),
        "bulk fold + COPY, events/s in each tenth of the log: "
        + _rates(rates_by_tenth(figure.result["marks"], figure.events)),
        "events folded / skipped per projection: " + ", ".join(
            f"{name} {applied:,}/{skipped:,}"
            for name, (applied, skipped) in figure.result["counts"].items()),
    ])
    _server_statements(out, figure.statements)
    statements = figure.result.get("statements") or []
    slowest = sorted(statements, key=lambda s: -s[3])[:12]
    if slowest:
        out.table("Slowest statements after the bulk fold",
                  ["phase", "kind", "statement", "seconds"],
                  [[p, k, f"`{text[:110]}`", f"{seconds:.2f}"] for p, k, text, seconds in slowest],
                  left=3)


def _ceiling(out: Out, ceiling: CeilingFigure, figure: RebuildFigure, results: Results,
             verdicts: list[list[str]]) -> None:
    raw = results.raw_rate(figure.database)
    ratio = figure.rate / ceiling.rate
    out.heading(f"a'. The rebuild against its bare-SQL ceiling, {figure.label} events")
    out.line(f"The raw cursor read of the log (median of this run's, {ceiling.raw_seconds:.2f} s) "
             f"+ COPY of the rebuilt tables' rows (binary, written to files before the clock "
             f"started, {ceiling.dump_seconds:.1f} s, not counted) into bare tables without "
             f"indexes ({ceiling.copy_seconds:.2f} s) + the live tables' index and constraint "
             f"statements from the catalog ({ceiling.index_seconds:.2f} s), over "
             f"{ceiling.connections} connection(s): {ceiling.seconds:.2f} s = "
             f"{ceiling.rate:,.0f} events/s. The rebuild {figure.seconds:.2f} s = "
             f"{figure.rate:,.0f} events/s: rebuild/ceiling {ratio:.3f}x (target >= "
             f"{CEILING_TARGET}x: {_met(ratio >= CEILING_TARGET)}); rebuild/raw read "
             f"{figure.rate / raw:.3f}x; ceiling/raw read {ceiling.rate / raw:.3f}x. "
             f"Load average {ceiling.load_before} before.")
    verdicts.append([f"a'. rebuild against the bare-SQL ceiling, {figure.label} events",
                     f"{figure.rate:,.0f} events/s ({figure.seconds:.1f} s)",
                     f"ceiling {ceiling.rate:,.0f} events/s ({ceiling.seconds:.1f} s)",
                     f"{ratio:.3f}x", f">= {CEILING_TARGET}x", _met(ratio >= CEILING_TARGET)])
    rows = []
    for table in ceiling.tables:
        statements = ", ".join(f"{name} {seconds:.2f}" for _, name, seconds in table.statements)
        rows.append([f"`{table.name}`", f"{table.rows:,}", _mib(table.bytes),
                     f"{table.copy_seconds:.2f}", f"{table.index_seconds:.2f}", statements])
    rows.append(["raw read + COPY phase + index phase (wall)", "", "",
                 f"{ceiling.copy_seconds:.2f}", f"{ceiling.index_seconds:.2f}",
                 f"ceiling {ceiling.seconds:.2f} s"])
    out.table("The ceiling's tables (the ones the rebuild replaced; seconds per statement, "
              "connections side by side)",
              ["table", "rows", "binary COPY", "COPY (s)", "indexes (s)", "statements (s)"],
              rows, bold_last=True)


def _server_statements(out: Out, statements: list[tuple[str, str, float]]) -> None:
    if statements:
        out.table("What PostgreSQL was running (pg_stat_activity every 0.2 s: backends running "
                  "it per sample, on average; for one connection, the share of its time)",
                  ["connection", "statement", "backends"],
                  [[name.removeprefix("policy-timeline "), f"`{text}`", f"{share:.2f}"]
                   for name, text, share in statements], left=2)


def _cpu_line(results: Results, database: str, cpu: float, events: int) -> str:
    """CPU per event against the raw read's: a figure that a busy machine moves less."""
    raw = _cpu_per_event(results, database)
    return (f"CPU per event (process + its PostgreSQL backends): {cpu / events * 1e6:,.1f} µs; "
            f"the raw read's (client + backend): {raw * 1e6:,.1f} µs; raw/this "
            f"{raw * events / cpu:.3f}x")


def _profile(out: Out, profile: Profile, figure: RebuildFigure | None) -> None:
    out.heading("py-spy profile of the rebuild's process (wall-clock samples, idle included)")
    running = profile.samples - profile.waiting - profile.empty
    out.line(f"{profile.samples:,} samples: Python running {profile.share(running):.0%}, "
             f"waiting in the event loop (for PostgreSQL) {profile.share(profile.waiting):.0%}, "
             f"no Python stack {profile.share(profile.empty):.0%}.")
    out.table("Own time by area (share of all samples)", ["area", "samples", "share"],
              [[area, f"{n:,}", f"{profile.share(n):.1%}"]
               for area, n in profile.areas.most_common()])
    out.table("Top functions by own time", ["function (file)", "samples", "share"],
              [[f"`{frame}`", f"{n:,}", f"{profile.share(n):.1%}"]
               for frame, n in profile.own.most_common(20)])
    interesting = [(frame, n) for frame, n in profile.total.most_common()
                   if any(area in frame for area in ("service/", "events/", "asyncpg/"))
                   and profile.share(n) < 0.97][:20]
    out.table("Top engine, vocabulary and asyncpg functions with what they call",
              ["function (file)", "samples", "share"],
              [[f"`{frame}`", f"{n:,}", f"{profile.share(n):.1%}"] for frame, n in interesting])


def _catch_up(out: Out, results: Results, verdicts: list[list[str]],
              args: argparse.Namespace) -> None:
    figure = results.catch_up
    assert figure is not None
    raw = results.raw_rate(figure.database)
    ratio = figure.rate / raw
    result = figure.result
    out.heading(f"b. The live path catching up from zero, {figure.label} events"
                + (" (ANALYZE/VACUUM as autovacuum would)" if figure.autovacuum else ""))
    out.line(f"ProjectionRunner of every projection (batch {result['batch_size']}), in a child "
             f"process, on a copy of the loaded database (checkpoints at the start): "
             f"{figure.events:,} events in {figure.seconds:.1f} s = {figure.rate:,.0f} events/s "
             f"in {result['batches']:,} batches; raw cursor read of the copy {raw:,.0f} events/s; "
             f"ratio {ratio:.3f}x (target >= {CATCH_UP_TARGET}x: {_met(ratio >= CATCH_UP_TARGET)}).")
    if figure.autovacuum is not None:
        analyzes, vacuums, seconds = figure.autovacuum
        out.line(f"With --autovacuum-like: the benchmark ran {analyzes} ANALYZEs ({vacuums} of "
                 f"them with VACUUM) on the read-model tables during the catch-up, {seconds:.1f} s "
                 "in all, at autovacuum's default thresholds (this server has autovacuum off).")
    verdicts.append([f"b. live catch-up from zero, {figure.label} events"
                     + (" (autovacuum-like)" if figure.autovacuum else ""),
                     f"{figure.rate:,.0f} events/s ({figure.seconds:.1f} s)",
                     f"raw read {raw:,.0f} events/s", f"{ratio:.3f}x",
                     f">= {CATCH_UP_TARGET}x", _met(ratio >= CATCH_UP_TARGET)])
    usage = result["usage"]
    out.bullets([
        f"CPU: the runner's process {figure.cpu:.1f} s (user {usage['user_seconds']:.1f}, "
        f"system {usage['system_seconds']:.1f}); PostgreSQL backends "
        + _backends(figure.backend_cpu)
        + f"; both cores {figure.busy:.0%} busy; load average {figure.load_before} before, "
        f"{figure.load_after} after",
        _cpu_line(results, figure.database, figure.cpu + sum(figure.backend_cpu.values()),
                  figure.events),
        f"peak RSS of the runner's process (VmHWM): {_mib(figure.peak_rss)}",
        "events/s in each tenth of the log: "
        + _rates(rates_by_tenth(result["marks"], figure.events)),
        "events folded / skipped per projection: " + ", ".join(
            f"{name} {applied:,}/{skipped:,}" for name, (applied, skipped) in result["counts"].items()),
    ])
    _server_statements(out, figure.statements)


def _digests(out: Out, results: Results, verdicts: list[list[str]]) -> None:
    digests = results.digests
    assert digests is not None
    out.heading("c. The rebuild's tables against the live path's")
    rows = [[name, digests.rebuilt[name][:16], digests.live[name][:16],
             "equal" if digests.rebuilt[name] == digests.live[name] else "DIFFERENT"]
            for name in digests.rebuilt]
    out.table(f"table_digest of every projection ({digests.seconds:.0f} s for both databases)",
              ["projection", "after the rebuild", "after the live catch-up", ""], rows)
    for note in digests.notes:
        out.line(f"Note: {note}")
    if results.rows:
        tables = list(results.rows["rebuilt"])
        out.table("Rows (all versions / current)", ["table", "rebuilt", "live"],
                  [[t, "{:,} / {:,}".format(*results.rows["rebuilt"][t]),
                    "{:,} / {:,}".format(*results.rows["live"][t])] for t in tables])
    equal = len(digests.equal)
    verdicts.append(["c. digests, rebuild = live catch-up", f"{equal} of {len(rows)} equal", "",
                     "", "all equal", _met(equal == len(rows))])


def _pages(out: Out, results: Results, verdicts: list[list[str]], big: str, small: str) -> None:
    pages = results.pages
    assert pages is not None
    out.heading(f"e. Timeline pages, {big} against {small} events, and as_of")
    out.line(f"timeline_page(connection, {pages.agency_id!r}, limit=50, …) on a connection per "
             f"database; the busiest agency {pages.agency_id!r} has {pages.entries[big]:,} "
             f"current entries at {big}, {pages.entries[small]:,} at {small}, "
             f"{pages.known_then:,} known at as_of = {pages.as_of.isoformat()} (the recorded_at "
             f"of the middle event of the {big} log). {pages.warmup} warm-up rounds, then "
             f"{pages.rounds}; load average {pages.load_before} before, {pages.load_after} after.")
    floor = pages.case("SELECT 1 (floor)")
    rows = []
    for case in pages.cases:
        if case.kind == "page":
            a, b = case.samples[big], case.samples[small]
            ratio = common.median(a) / common.median(b)
            rows.append([case.name, _ms(common.median(a)), _ms(common.percentile(a, 0.95)),
                         _ms(common.median(b)), _ms(common.percentile(b, 0.95)),
                         f"{ratio:.2f}x", f"<= {SIZE_TARGET}x", _met(ratio <= SIZE_TARGET),
                         f"{case.entries.get(big, 0)}/{case.entries.get(small, 0)}"])
            if not case.name.startswith("deep"):
                verdicts.append([f"e. {case.name}, {big} vs {small}",
                                 f"{_ms(common.median(a))} ms", f"{_ms(common.median(b))} ms",
                                 f"{ratio:.2f}x", f"<= {SIZE_TARGET}x", _met(ratio <= SIZE_TARGET)])
        elif case.kind == "floor":
            a, b = case.samples[big], case.samples[small]
            rows.append([case.name, _ms(common.median(a)), _ms(common.percentile(a, 0.95)),
                         _ms(common.median(b)), _ms(common.percentile(b, 0.95)),
                         f"{common.median(a) / common.median(b):.2f}x", "", "", ""])
    out.table(f"Pages at {big} and {small} (medians and p95 in ms)",
              ["request", f"{big} median", f"{big} p95", f"{small} median", f"{small} p95",
               f"{big}/{small}", "target", "met?", "entries"], rows)
    rows = []
    for case in pages.cases:
        if case.kind != "as_of":
            continue
        twin = pages.case(case.twin)
        a, b = case.samples[big], twin.samples[big]
        ratio = common.median(a) / common.median(b)
        rows.append([case.twin, _ms(common.median(a)), _ms(common.percentile(a, 0.95)),
                     _ms(common.median(b)), _ms(common.percentile(b, 0.95)), f"{ratio:.2f}x",
                     f"<= {AS_OF_TARGET}x", _met(ratio <= AS_OF_TARGET),
                     f"{case.entries.get(big, 0)}/{twin.entries.get(big, 0)}"])
        verdicts.append([f"e. {case.twin} as_of middle vs now, {big}",
                         f"{_ms(common.median(a))} ms", f"{_ms(common.median(b))} ms",
                         f"{ratio:.2f}x", f"<= {AS_OF_TARGET}x", _met(ratio <= AS_OF_TARGET)])
    out.table(f"The same pages as_of the middle of the log against now, {big} (ms)",
              ["request", "as_of median", "as_of p95", "now median", "now p95", "as_of/now",
               "target", "met?", "entries"], rows)
    out.line(f"Floor: SELECT 1 on the same connections, median {_ms(common.median(floor.samples[big]))} ms.")
    for case in pages.cases:
        for name, plan in case.plans.items():
            out.line(f"EXPLAIN (ANALYZE, BUFFERS) of {case.name} at {name}:")
            out.console.print(plan, markup=False, highlight=False)
            out.markdown += ["```", plan, "```", ""]


def _latency(out: Out, figures: list[LatencyFigure], verdicts: list[list[str]],
             args: argparse.Namespace) -> None:
    out.heading("d. Append → visible on the timeline")
    what = ("statements cloned from the seed article, its long Korean texts"
            if figures[0].shape == "text" else "the world log's statements")
    out.line(f"Projector of every projection in {figures[0].where}, batch {args.batch_size}, "
             f"poll interval {args.poll_interval:g} s, woken by the store's NOTIFY; statement.made "
             f"({what}) appended through the Appender (16-connection pool), open loop, "
             f"{args.duration:g} s per rate; polled on timeline_entries (current rows) every 2 ms.")
    rows = []
    notes = []
    for lat in figures:
        p99 = lat.pct(lat.latencies, 0.99)
        met = p99 <= LATENCY_TARGET and lat.visible == lat.scheduled
        rows.append([f"{lat.rate:,.0f}/s", f"{lat.achieved_rate:,.0f}/s",
                     f"{lat.appended:,}/{lat.scheduled:,}", f"{lat.visible:,}",
                     _ms(lat.pct(lat.latencies, 0.5)), _ms(lat.pct(lat.latencies, 0.95)),
                     _ms(p99), _ms(max(lat.latencies) if lat.latencies else math.nan),
                     f"{lat.busy:.0%}", f"p99 <= {LATENCY_TARGET * 1000:.0f} ms", _met(met)])
        verdicts.append([f"d. append → visible p99 at {lat.rate:,.0f}/s",
                         f"p99 {_ms(p99)} ms, p50 {_ms(lat.pct(lat.latencies, 0.5))} ms", "", "",
                         f"p99 <= {LATENCY_TARGET * 1000:.0f} ms", _met(met)])
        backends = _backends(lat.backend_cpu)
        notes.append(
            f"{lat.rate:,.0f}/s over {lat.window:.1f} s (load average {lat.load_before} before): "
            f"CPU seconds: projector process {lat.projector_cpu:.1f} "
            f"({lat.projector_cpu / lat.window:.0%} of a core), this process (appends, polls) "
            f"{lat.bench_cpu:.1f} ({lat.bench_cpu / lat.window:.0%}), PostgreSQL backends: "
            f"{backends}; append call p50 {_ms(lat.pct(lat.append_seconds, 0.5))} ms, p99 "
            f"{_ms(lat.pct(lat.append_seconds, 0.99))} ms; start lag p99 "
            f"{_ms(lat.pct(lat.start_lag, 0.99))} ms; {len(lat.poll_seconds):,} polls, p50 "
            f"{_ms(lat.pct(lat.poll_seconds, 0.5))} ms; at most {lat.max_pending:,} pending; "
            f"visible before the append returned: {lat.before_return}; failed: {lat.failed}; "
            f"projector peak RSS {_mib(lat.projector_peak_rss)}; p99 (ms) of the appends "
            "returned in each tenth of the run: "
            + ", ".join(_ms(p) for p in lat.p99_by_tenth()))
    out.table("", ["target rate", "achieved", "appended", "visible", "p50 (ms)", "p95 (ms)",
                   "p99 (ms)", "max (ms)", "CPU busy", "target", "met?"], rows)
    out.bullets(notes)
    for lat in figures:
        _server_statements(out, lat.statements[:6])
