"""d. Append → visible on the timeline, at a steady rate, the projector in its own process.

The projector (``children.projector``: a ``Projector`` of every projection, as a service
instance runs it) leads the projections of the big database, caught up. This process appends
``statement.made`` events through the service's ``Appender`` (the API's checks, then
``PostgresEventStore.append`` and its NOTIFY after commit) at ``rate`` per second, open loop:
append *i* starts at *t0 + i/rate* whatever happened to the others. A connection of its own
polls the timeline read model every 2 ms for the oldest 500 pending ids (``timeline_entries``,
current rows, by ``event_id``): latency = the first poll that sees an entry − the append's
return. Every statement appended is sure to have a timeline entry. Which statements: the log
shape's (``build.world.statement``): the world log's short ones, or, for the text shape
(``text.py``), clones of the seed article's statements with their long Korean texts.

CPU during the appends: the projector process, this process (appends and polls), and the
PostgreSQL backends by application name.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import msgspec
from rich.console import Console
from rich.progress import Progress

from bench import common
from bench.replay import NOTIFY_CHANNEL
from bench.replay.build import Build
from service.database import SESSION
from service.http.schemas import AppendRequest, EventBody
from service.projections.projector import Projector
from service.read_models import PROJECTIONS
from service.store import PostgresEventStore
from service.writing import Appender

VISIBLE = """SELECT DISTINCT event_id FROM timeline_entries
    WHERE event_id = ANY ($1::uuid[]) AND known_until IS NULL"""


@dataclass
class LatencyFigure:
    rate: float
    duration: float
    shape: str
    """The log shape whose statements were appended (world or text)."""
    scheduled: int
    appended: int
    failed: int
    achieved_rate: float
    latencies: list[float]
    append_seconds: list[float]
    start_lag: list[float]
    before_return: int
    where: str
    poll_seconds: list[float]
    max_pending: int = 0
    busy: float = float("nan")
    projector_cpu: float = float("nan")
    bench_cpu: float = float("nan")
    backend_cpu: dict[str, float] = field(default_factory=dict)
    window: float = float("nan")
    """Seconds from the first append to the last return."""
    load_before: str = ""
    projector_peak_rss: int = 0
    statements: list[tuple[str, str, float]] = field(default_factory=list)
    """The PostgreSQL statements most often seen running (pg_stat_activity samples)."""

    @property
    def visible(self) -> int:
        return len(self.latencies)

    returns: list[tuple[float, float]] = field(default_factory=list)
    """(seconds from the first append to this one's return, its latency) of each visible one."""

    def pct(self, values: list[float], q: float) -> float:
        return common.percentile(values, q)

    def p99_by_tenth(self) -> list[float]:
        """The p99 latency of the appends that returned in each tenth of the run: a burst
        shows where it happened."""
        if not self.returns:
            return []
        end = max(at for at, _ in self.returns) or 1.0
        tenths: list[list[float]] = [[] for _ in range(10)]
        for at, latency in self.returns:
            tenths[min(9, int(10 * at / end))].append(latency)
        return [common.percentile(values, 0.99) for values in tenths]


async def _start_projector(url: str, *, batch_size: int, poll_interval: float
                           ) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.replay.children", "projector", url,
        "--poll-interval", str(poll_interval), "--batch-size", str(batch_size),
        stdout=asyncio.subprocess.PIPE, cwd=common.ROOT,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 120)
    if line.strip() != b"ready":
        raise SystemExit(f"projector process: {line!r}")
    return process


async def _stop_projector(process: asyncio.subprocess.Process) -> int:
    """SIGTERM, then its own peak RSS from its last line."""
    process.send_signal(signal.SIGTERM)
    assert process.stdout is not None
    peak = 0
    try:
        output = await asyncio.wait_for(process.stdout.read(), 30)
        for line in output.decode().splitlines():
            if line.startswith("{"):
                peak = json.loads(line)["usage"]["vmhwm_bytes"]
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
    return peak


async def measure_latency(
    build: Build, admin_url: str, rate: float, duration: float, progress: Progress,
    console: Console, *, in_process: bool, batch_size: int, poll_interval: float,
) -> LatencyFigure:
    url = build.url
    world = build.world
    assert world is not None
    count = int(rate * duration)
    # Every append is built before the clock starts: statements sure to be on a timeline.
    plans = []
    for _ in range(count):
        stream_id, type_, data, _ = world.statement(on_timeline=True)
        event_id = uuid.uuid4()
        plans.append((stream_id, AppendRequest(
            expected_version="no_stream",
            events=[EventBody(id=event_id, type=type_, data=msgspec.json.decode(data),
                              metadata={"source": "bench-replay-live"})],
        ), event_id))

    process = None
    projector = None
    if in_process:
        projector = Projector(PROJECTIONS, url, batch_size=batch_size,
                              notify_channel=NOTIFY_CHANNEL, poll_interval=poll_interval)
        await projector.start()
        await projector.runner.wait_until_leader()
    else:
        process = await _start_projector(url, batch_size=batch_size, poll_interval=poll_interval)

    pool = await asyncpg.create_pool(
        url, min_size=16, max_size=16,
        server_settings={"application_name": "bench appender", **SESSION},
    )
    poller = await asyncpg.connect(
        url, server_settings={"application_name": "bench poller", **SESSION}
    )
    store = PostgresEventStore(pool, notify_channel=NOTIFY_CHANNEL)
    appender = Appender(store, pool)
    returned: dict[uuid.UUID, float] = {}
    seen: dict[uuid.UUID, float] = {}
    append_seconds: list[float] = []
    start_lag: list[float] = []
    poll_seconds: list[float] = []
    failures = 0
    in_flight: dict[uuid.UUID, None] = {}  # appended or being appended, not yet seen; oldest first
    max_pending = 0
    done = asyncio.Event()
    task = progress.add_task(f"append {rate:,.0f}/s for {duration:.0f} s, poll timeline",
                             total=count)
    peak = 0
    try:
        # Warm the pool's connections (their prepared statements) with reads, not appends.
        await asyncio.gather(*(pool.fetchval(
            "SELECT count(*) FROM events WHERE stream_id = $1 AND stream_version = 1", "warm"
        ) for _ in range(16)))

        async def append_one(stream_id: str, request: AppendRequest, event_id: uuid.UUID,
                             due: float) -> None:
            nonlocal failures
            begun = time.perf_counter()
            start_lag.append(begun - due)
            in_flight[event_id] = None
            try:
                await appender.append(request.command(stream_id, "bench"))
            except Exception as error:  # counted and reported
                failures += 1
                in_flight.pop(event_id, None)
                console.print(f"[red]append failed: {type(error).__name__}: {error}")
                return
            now = time.perf_counter()
            returned[event_id] = now
            append_seconds.append(now - begun)
            progress.advance(task)

        async def poll() -> None:
            # The projector folds the feed in order, so the oldest pending become visible
            # first: asking for the oldest 500 keeps a poll cheap when a backlog builds up.
            nonlocal max_pending
            while not (done.is_set() and not in_flight):
                if in_flight:
                    max_pending = max(max_pending, len(in_flight))
                    asked = time.perf_counter()
                    rows = await poller.fetch(VISIBLE, list(itertools.islice(in_flight, 500)))
                    now = time.perf_counter()
                    poll_seconds.append(now - asked)
                    for row in rows:
                        seen[row[0]] = now
                        in_flight.pop(row[0], None)
                await asyncio.sleep(0.002)

        load_before = common.load_average()
        async with common.BackendCpu(admin_url, build.database) as backends:
            poller_task = asyncio.create_task(poll())
            tasks = []
            cpu_before = common.machine_cpu()
            bench_before = time.process_time()
            pid = process.pid if process is not None else None
            projector_before = common.process_cpu(pid) if pid else float("nan")
            begin = time.perf_counter() + 0.05
            for number, (stream_id, request, event_id) in enumerate(plans):
                due = begin + number / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(append_one(stream_id, request, event_id, due)))
            await asyncio.gather(*tasks)
            finished = time.perf_counter()
            cpu_after = common.machine_cpu()
            bench_cpu = time.process_time() - bench_before
            projector_cpu = (common.process_cpu(pid) - projector_before) if pid else float("nan")
        done.set()
        try:
            await asyncio.wait_for(poller_task, 120)
        except TimeoutError:
            console.print(f"[red]{len(in_flight)} appended events not visible after 120 s")
            poller_task.cancel()
        last_return = max(returned.values()) if returned else finished
        window = last_return - begin
    finally:
        await poller.close()
        await store.notifier.flush()
        await pool.close()
        if projector is not None:
            await projector.stop()
        if process is not None:
            peak = await _stop_projector(process)
    latencies = []
    returns = []
    before_return = 0
    for event_id, at in returned.items():
        if event_id in seen:
            latency = seen[event_id] - at
            if latency < 0:
                before_return += 1
            latencies.append(max(latency, 0.0))
            returns.append((at - begin, max(latency, 0.0)))
    return LatencyFigure(
        rate=rate, duration=duration, shape=build.shape, scheduled=count, appended=len(returned), failed=failures,
        achieved_rate=len(returned) / window, latencies=latencies,
        append_seconds=append_seconds, start_lag=start_lag, before_return=before_return,
        where="in this process" if in_process else "own process",
        poll_seconds=poll_seconds, max_pending=max_pending,
        busy=common.busy_share(cpu_before, cpu_after), projector_cpu=projector_cpu,
        bench_cpu=bench_cpu, backend_cpu=backends.by_application(), window=window,
        load_before=load_before, projector_peak_rss=peak, statements=backends.top_statements(),
        returns=returns,
    )
