"""What the benchmarks share: the server and the machine they ran on, the git state measured,
their own databases, the raw asyncpg read that is their baseline, percentiles, progress bars,
CPU and memory of processes, and cancelling a run cleanly on Ctrl-C or SIGTERM.

Nothing here measures the service; it only sets the stage for ``bench.store`` and
``bench.replay`` and reads the machine's own counters (``/proc``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import math
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import asyncpg
import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from service import database

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The repository: where ``python -m bench.…`` runs its child processes."""

T = TypeVar("T")


def default_admin_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL


def make_console(width: int = 160) -> Console:
    """A console as wide as the terminal, or ``width`` when the output is a file."""
    return Console(width=None if sys.stdout.isatty() else width)


def make_progress(console: Console, *, description_width: int = 52, remaining: bool = True) -> Progress:
    columns = [
        TextColumn(f"{{task.description:<{description_width}}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if remaining:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=console, refresh_per_second=2)


# --------------------------------------------------------------------------------------------
# Statistics.
# --------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0.99 for p99); NaN when there are no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def label(count: int) -> str:
    """1M, 100k, 2500: a size as the reports name it."""
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


# --------------------------------------------------------------------------------------------
# The server, the machine and the code measured.
# --------------------------------------------------------------------------------------------

SERVER_SETTINGS = (
    "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "shared_buffers",
    "work_mem", "maintenance_work_mem", "max_wal_size", "autovacuum", "jit",
)


async def server_facts(connection: asyncpg.Connection) -> dict[str, str]:
    """The server's version and settings, the client's versions, the commit, the load."""
    facts = {"server": await connection.fetchval("SELECT version()")}
    for setting in SERVER_SETTINGS:
        facts[setting] = await connection.fetchval("SELECT current_setting($1)", setting)
    facts["client"] = (
        f"Python {platform.python_version()}, asyncpg {asyncpg.__version__}, "
        f"msgspec {msgspec.__version__}, {os.cpu_count()} CPU cores (client and server share them)"
    )
    facts["memory"] = f"{_mem_total_gib():.0f} GiB"
    facts["commit"] = os.environ.get("PT_BENCH_COMMIT") or git_state()
    facts["load average at start"] = load_average()
    return facts


def git_state() -> str:
    """The commit measured, and what of the code measured differs from it: other engineers
    may have uncommitted changes in the same tree (named, with a hash of the diff)."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        paths = ["service", "events", "migrations"]
        dirty = _git("status", "--porcelain", "--", *paths).splitlines()
        diff = _git("diff", "HEAD", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    if not dirty:
        return commit
    files = ", ".join(line.split(maxsplit=1)[1] for line in dirty)
    digest = hashlib.sha1(diff.encode()).hexdigest()[:10]
    return f"{commit} + uncommitted changes in {files} (diff sha1 {digest})"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def load_average() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def _mem_total_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


# --------------------------------------------------------------------------------------------
# CPU and memory of processes, from /proc (Linux).
# --------------------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process so far; NaN if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return float("nan")


def machine_cpu() -> tuple[int, int]:
    """(total, idle + iowait) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of all cores busy between two ``machine_cpu`` readings (anyone's work)."""
    total = after[0] - before[0]
    return 1 - (after[1] - before[1]) / total if total > 0 else float("nan")


async def wait_until_quiet(max_busy: float, *, window: float = 5.0, timeout: float = 900.0
                           ) -> tuple[float, float]:
    """Wait until both cores were at most ``max_busy`` busy over the last ``window`` seconds
    (anyone's work: other engineers' tests share the machine), or ``timeout``. Returns (seconds
    waited, busy share of the last window)."""
    started = time.perf_counter()
    while True:
        before = machine_cpu()
        await asyncio.sleep(window)
        busy = busy_share(before, machine_cpu())
        waited = time.perf_counter() - started
        if busy <= max_busy or waited >= timeout:
            return waited, busy


def own_usage() -> dict[str, float]:
    """This process's CPU seconds and peak resident memory (``VmHWM`` and ``ru_maxrss``)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "maxrss_bytes": usage.ru_maxrss * 1024,  # KiB on Linux
        "vmhwm_bytes": _status_bytes("VmHWM"),
    }


def rss_bytes() -> int:
    """This process's resident memory now."""
    return _status_bytes("VmRSS")


def _status_bytes(field_name: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) * 1024
    return 0


@dataclass
class BackendCpu:
    """The PostgreSQL backends of one database, sampled from ``pg_stat_activity`` and
    ``/proc`` (the server runs on this machine) every ``interval``: CPU seconds per application
    name, and what each was running when it was active (a sampling profile of the server side).

    A backend that starts during the window counts from zero; one that was there before counts
    from its first sample. A backend's last ``interval`` before it ends is lost."""

    admin_url: str
    database_name: str
    interval: float = 0.2
    seconds: dict[int, tuple[str, float, float]] = field(default_factory=dict)
    """pid -> (application name, CPU at the first sample or 0, CPU at the last sample)."""
    active: Counter = field(default_factory=Counter)
    """(application name, statement) -> samples in which the backend was running it."""
    samples: int = 0
    _task: asyncio.Task | None = None
    _before: set[int] = field(default_factory=set)

    async def __aenter__(self) -> BackendCpu:
        self._connection = await asyncpg.connect(self.admin_url)
        self._before = {row[0] for row in await self._backends()}
        await self._sample()
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        with contextlib.suppress(Exception):
            await self._sample()
        await self._connection.close()

    async def _backends(self) -> list[asyncpg.Record]:
        return await self._connection.fetch(
            "SELECT pid, application_name, state, query, wait_event FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.database_name,
        )

    async def _sample(self) -> None:
        self.samples += 1
        for pid, name, state, query, waiting in await self._backends():
            cpu = process_cpu(pid)
            if math.isnan(cpu):  # gone already
                continue
            if pid in self.seconds:
                known, first, _ = self.seconds[pid]
                self.seconds[pid] = (name or known, first, cpu)
            else:
                self.seconds[pid] = (name, cpu if pid in self._before else 0.0, cpu)
            if state == "active":
                statement = " ".join((query or "").split())
                if len(statement) > 150:  # the start and the end: what and where
                    statement = f"{statement[:70]} … {statement[-75:]}"
                if waiting:
                    statement += f" [waiting: {waiting}]"
                self.active[(name, statement)] += 1

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self._sample()

    def by_application(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for name, first, last in self.seconds.values():
            totals[name or "(no name)"] = totals.get(name or "(no name)", 0.0) + last - first
        return dict(sorted(totals.items(), key=lambda item: -item[1]))

    def top_statements(self, count: int = 10) -> list[tuple[str, str, float]]:
        """(application, statement, backends running it per sample on average) of the most
        often active: for one connection, the share of the time it ran it."""
        return [(name, statement, n / self.samples)
                for (name, statement), n in self.active.most_common(count)]

    @property
    def total(self) -> float:
        return sum(last - first for _, first, last in self.seconds.values())


# --------------------------------------------------------------------------------------------
# Databases of their own: created and migrated for a run, dropped at the end.
# --------------------------------------------------------------------------------------------


class Databases:
    """The benchmark's own databases on one server: each created fresh (dropped first if a
    past run left it) and migrated, or copied from another; all dropped at the end."""

    def __init__(self, admin: asyncpg.Connection, admin_url: str) -> None:
        self.admin = admin
        self.admin_url = admin_url
        self.created: list[str] = []

    def url(self, name: str) -> str:
        return database.with_database(self.admin_url, name)

    async def create(self, name: str, *, template: str | None = None) -> str:
        """A new database, migrated; or a copy of ``template`` (which must have no session
        open: ``CREATE DATABASE … TEMPLATE``). Its URL."""
        await self.drop(name)
        self.created.append(name)
        if template is None:
            await self.admin.execute(f'CREATE DATABASE "{name}"')
            await asyncio.to_thread(database.migrate, self.url(name))
        else:
            await self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    async def drop(self, name: str) -> None:
        await self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    async def size(self, name: str) -> int:
        return await self.admin.fetchval("SELECT pg_database_size($1)", name)


@contextlib.asynccontextmanager
async def benchmark_databases(
    admin_url: str, *, keep: bool, console: Console
) -> AsyncIterator[Databases]:
    """``Databases`` on the server of ``admin_url``; every one still there at the end is
    dropped (also on Ctrl-C or SIGTERM, see ``run_cancellable``), unless ``keep``."""
    admin = await asyncpg.connect(admin_url)
    databases = Databases(admin, admin_url)
    try:
        yield databases
    finally:
        try:
            if keep:
                console.print(f"[yellow]kept databases {sorted(databases.created)} (--keep)")
            else:
                for name in list(databases.created):
                    await databases.drop(name)
        finally:
            await admin.close()


# --------------------------------------------------------------------------------------------
# The baseline: the log read with a bare asyncpg cursor.
# --------------------------------------------------------------------------------------------

RAW_READ = "SELECT * FROM events ORDER BY position"


async def raw_read(
    connection: asyncpg.Connection,
    *,
    prefetch: int = 1000,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Every row of ``events`` through one asyncpg cursor (``prefetch`` rows per round trip) in a
    read-only REPEATABLE READ transaction, rows decoded by asyncpg and dropped: the floor of
    reading the log. ``on_rows(n)`` is told every ``prefetch`` rows. How many rows."""
    count = 0
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        async for _row in connection.cursor(RAW_READ, prefetch=prefetch):
            count += 1
            if on_rows is not None and count % prefetch == 0:
                on_rows(prefetch)
    if on_rows is not None:
        on_rows(count % prefetch)
    return count


@dataclass(frozen=True)
class RawRead:
    database: str
    events: int
    seconds: float
    load: str
    """The load average just before."""
    client_cpu: float = float("nan")
    """CPU seconds of this process during the read."""
    server_cpu: float = float("nan")
    """CPU seconds of the connection's PostgreSQL backend during the read (local server)."""

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def timed_raw_read(url: str, database_name: str, prefetch: int = 1000) -> RawRead:
    """``raw_read`` on a connection of its own, timed (connecting is not), with the CPU time
    of both ends."""
    connection = await asyncpg.connect(url)
    try:
        load = load_average()
        backend = connection.get_server_pid()
        server_before = process_cpu(backend)
        client_before = time.process_time()
        started = time.perf_counter()
        count = await raw_read(connection, prefetch=prefetch)
        seconds = time.perf_counter() - started
        return RawRead(database_name, count, seconds, load, time.process_time() - client_before,
                       process_cpu(backend) - server_before)
    finally:
        await connection.close()


# --------------------------------------------------------------------------------------------
# Running.
# --------------------------------------------------------------------------------------------


async def run_cancellable(run: Callable[[], Awaitable[T]]) -> T:
    """``run()``, cancelled on SIGINT or SIGTERM so that its ``finally`` clauses drop the
    databases (also when the shell started us with SIGINT ignored, as background jobs are)."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await run()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
