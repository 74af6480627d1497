"""The event store against raw asyncpg on an identical bare table, in one run on one server.

    python -m bench.store [--events N] [--database-url URL]

Three figures, each measured beside a raw asyncpg baseline that does the same work with no
store in the way:

1. batched appends: ``store.append`` of 100 events with an expected version, against one
   ``INSERT … SELECT * FROM unnest(…)`` of the same 100 rows (versions computed client-side)
   into ``bare_events``, a copy of ``events`` without the trigger and the append function;
2. single-event appends by 16 concurrent writers, each to its own streams with an integer
   expected version, against 16 tasks doing a one-row ``INSERT`` each;
3. reading the whole log: ``store.read_all`` pages from ``START`` to the end, against an
   asyncpg cursor (prefetch 1000) over ``SELECT * FROM events ORDER BY position``.

Both sides write the same rows (same ids, streams, versions, JSON) into their own table, so
the two tables grow in step. Every case is warmed up, then store and raw runs alternate
(store-raw, raw-store, …) for several rounds; the table reports medians.

The benchmark creates its own database on the server (``pt_bench_store`` unless told
otherwise), migrates it with the service's Alembic revisions and drops it at the end, even
on Ctrl-C. Every transaction is one statement, except the raw cursor read (one read-only
transaction of about a second).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import msgspec
from rich.progress import Progress, TaskID
from rich.table import Table

from bench import common
from service.store import START, NewEvent, PostgresEventStore

DEFAULT_DATABASE = "pt_bench_store"

console = common.make_console(110)

# --------------------------------------------------------------------------------------------
# Realistic event data: 300-800 bytes of JSON mixing Korean and English, like the vocabulary.
# --------------------------------------------------------------------------------------------

KOREAN = [
    "정부가 AI 시대 경쟁력 강화를 위해 국내 AI 스타트업 생태계 혁신을 위한 정책을 추진하고 있다.",
    "중소벤처기업부는 AI 스타트업 인재 양성과 제조 AI 기업 지원 방안을 논의했다.",
    "개인정보보호위원회는 오픈 소스 기반 AI 모델 개발 과정의 개인정보 처리 기준을 안내했다.",
    "회의에는 장관과 국내 AI 스타트업 대표, 전문가 등 20여 명이 참석했다.",
    "정부는 대학과 스타트업 간 산학 협력을 통해 실무형 AI 인재를 키우겠다고 밝혔다.",
    "글로벌 시장 진출을 위한 해외 실증 지원과 투자 연계 프로그램도 확대된다.",
    "참석자들은 데이터 접근성과 컴퓨팅 자원 부족을 가장 큰 어려움으로 꼽았다.",
    "과학기술정보통신부는 인공지능 기본법 하위 법령 초안을 공개하고 의견을 수렴한다.",
    "위원회는 생성형 AI 서비스의 투명성 확보를 위한 가이드라인을 연내 마련할 계획이다.",
    "지방자치단체와 협력해 지역 거점 AI 혁신 센터를 단계적으로 구축할 예정이다.",
]

ENGLISH = [
    "The ministry announced a support package for AI start-ups.",
    "Officials discussed talent pipelines with founders and researchers.",
    "The commission published guidance on personal data in open-source models.",
    "Participants named access to data and compute as the main obstacles.",
    "A public consultation on the draft enforcement decree opens next month.",
    "The programme links start-ups with overseas pilots and investors.",
]

EVENT_TYPES = [
    "meeting.held",
    "statement.made",
    "initiative.announced",
    "initiative.status_changed",
    "source.registered",
]

AGENCIES = ["mss", "pipc", "msit", "kcc", "moel"]
TOPICS = ["ai-talent", "startups", "open-source", "privacy", "compute", "regulation"]

_encoder = msgspec.json.Encoder()


def _fit(text: str, budget: int) -> str:
    """``text`` cut (on a character boundary) to at most ``budget`` UTF-8 bytes."""
    encoded = text.encode()
    if len(encoded) <= budget:
        return text
    return encoded[: max(budget, 0)].decode(errors="ignore")


def make_data(rng: random.Random, kind: str) -> bytes:
    """One event's JSON, 300-800 bytes."""
    target = rng.randint(300, 800)
    agency = rng.choice(AGENCIES)
    data: dict[str, object] = {
        "agency_id": agency,
        "title": rng.choice(KOREAN)[:40],
        "occurred": {"date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                     "precision": "day"},
        "topics": rng.sample(TOPICS, 2),
        "evidence": {"source_id": f"{agency}-press-{rng.randint(1, 9999)}",
                     "quote": rng.choice(ENGLISH)},
    }
    if kind == "statement.made":
        data["speaker"] = {"kind": "person", "id": "oh-young-ju"}
    summary = []
    while True:
        summary.append(rng.choice(KOREAN))
        summary.append(rng.choice(ENGLISH))
        data["summary"] = " ".join(summary)
        size = len(_encoder.encode(data))
        if size >= target:
            break
    data["summary"] = _fit(data["summary"], len(data["summary"].encode()) - (size - target))
    return _encoder.encode(data)


def make_event(rng: random.Random) -> NewEvent:
    kind = rng.choice(EVENT_TYPES)
    metadata = {
        "correlation_id": str(uuid.uuid4()),
        "causation_id": str(uuid.uuid4()),
        "actor": "bench",
        "request_id": uuid.uuid4().hex,
    }
    return NewEvent(
        id=uuid.uuid4(), type=kind, data=make_data(rng, kind), metadata=_encoder.encode(metadata)
    )


# --------------------------------------------------------------------------------------------
# Workloads: the same rows, as the store takes them and as the raw baseline sends them.
# --------------------------------------------------------------------------------------------

RAW_BATCH = """INSERT INTO bare_events
        (event_id, stream_id, stream_version, type, schema_version, data, metadata)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::integer[], $4::text[], $5::smallint[],
                         $6::jsonb[], $7::jsonb[])"""

RAW_SINGLE = """INSERT INTO bare_events
        (event_id, stream_id, stream_version, type, schema_version, data, metadata)
    VALUES ($1, $2, $3, $4, $5, $6, $7)"""


@dataclass
class Batch:
    stream_id: str
    expected: int
    events: list[NewEvent]
    raw: tuple[list, ...]


@dataclass
class Single:
    stream_id: str
    expected: int
    event: NewEvent
    raw: tuple


def batched_workload(rng: random.Random, tag: str, count: int, size: int) -> list[Batch]:
    """``count`` events in batches of ``size``; each stream takes 4 batches, round-robin."""
    batches_total = max(count // size, 1)
    per_stream = 4
    streams = [f"bench-batch-{tag}-{n}" for n in range((batches_total + per_stream - 1) // per_stream)]
    batches: list[Batch] = []
    for turn in range(per_stream):
        for stream_id in streams:
            if len(batches) == batches_total:
                break
            events = [make_event(rng) for _ in range(size)]
            first = turn * size + 1
            raw = (
                [event.id for event in events],
                [stream_id] * size,
                list(range(first, first + size)),
                [event.type for event in events],
                [event.schema_version for event in events],
                [event.data.decode() for event in events],
                [event.metadata.decode() for event in events],
            )
            batches.append(Batch(stream_id, turn * size, events, raw))
    return batches


def single_workload(
    rng: random.Random, tag: str, count: int, writers: int, per_stream: int = 8
) -> list[list[Single]]:
    """``count`` events for ``writers`` tasks; each task appends to its own streams in turn."""
    plans: list[list[Single]] = []
    for writer in range(writers):
        plan: list[Single] = []
        mine = count // writers
        for n in range(mine):
            stream_id = f"bench-single-{tag}-{writer}-{n // per_stream}"
            version = n % per_stream + 1
            event = make_event(rng)
            raw = (
                event.id,
                stream_id,
                version,
                event.type,
                event.schema_version,
                event.data.decode(),
                event.metadata.decode(),
            )
            plan.append(Single(stream_id, version - 1, event, raw))
        plans.append(plan)
    return plans


# --------------------------------------------------------------------------------------------
# The two sides of every figure.
# --------------------------------------------------------------------------------------------


@dataclass
class Bench:
    pool: asyncpg.Pool
    store: PostgresEventStore
    progress: Progress
    args: argparse.Namespace

    async def store_batched(self, batches: list[Batch], task: TaskID) -> int:
        for batch in batches:
            result = await self.store.append(batch.stream_id, batch.events, batch.expected)
            assert result.stream_version == batch.expected + len(batch.events), result
            self.progress.advance(task, len(batch.events))
        return sum(len(batch.events) for batch in batches)

    async def raw_batched(self, batches: list[Batch], task: TaskID) -> int:
        for batch in batches:
            await self.pool.execute(RAW_BATCH, *batch.raw)
            self.progress.advance(task, len(batch.events))
        return sum(len(batch.events) for batch in batches)

    async def store_single(self, plans: list[list[Single]], task: TaskID) -> int:
        async def writer(plan: list[Single]) -> None:
            for item in plan:
                await self.store.append(item.stream_id, [item.event], item.expected)
                self.progress.advance(task)

        await asyncio.gather(*(writer(plan) for plan in plans))
        return sum(len(plan) for plan in plans)

    async def raw_single(self, plans: list[list[Single]], task: TaskID) -> int:
        async def writer(plan: list[Single]) -> None:
            for item in plan:
                await self.pool.execute(RAW_SINGLE, *item.raw)
                self.progress.advance(task)

        await asyncio.gather(*(writer(plan) for plan in plans))
        return sum(len(plan) for plan in plans)

    async def store_read(self, task: TaskID) -> int:
        limit = self.args.page_size
        cursor, count = START, 0
        while True:
            page = await self.store.read_all(cursor, limit=limit)
            count += len(page.events)
            cursor = page.next
            self.progress.advance(task, len(page.events))
            if len(page.events) < limit:
                break
        return count

    async def raw_read(self, task: TaskID) -> int:
        async with self.pool.acquire() as connection:
            return await common.raw_read(
                connection,
                prefetch=self.args.page_size,
                on_rows=lambda rows: self.progress.advance(task, rows),
            )


@dataclass
class Figure:
    name: str
    target: float
    store: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    events_per_run: int = 0
    note: str = ""

    @property
    def store_median(self) -> float:
        return statistics.median(self.store)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw)

    @property
    def ratio(self) -> float:
        return self.store_median / self.raw_median

    @property
    def round_ratios(self) -> list[float]:
        return [s / r for s, r in zip(self.store, self.raw, strict=True)]

    @property
    def met(self) -> bool:
        return self.ratio >= self.target


async def timed(run: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    started = time.perf_counter()
    count = await run()
    return count, time.perf_counter() - started


class ShortRead(Exception):
    """A whole-log read that stopped before the end of the log."""

    def __init__(self, side: str, count: int, expected: int) -> None:
        super().__init__(f"{side} read {count} of {expected} events")
        self.count = count


async def alternate(
    figure: Figure,
    rounds: int,
    prepare: Callable[[int], object],
    store_run: Callable[[object], Awaitable[int]],
    raw_run: Callable[[object], Awaitable[int]],
    attempts: int = 5,
) -> None:
    """Round 0 is the warm-up (not recorded); then store-raw, raw-store, … for ``rounds``.

    ``prepare(round)`` builds the round's workload before the clock starts; both sides of the
    round get the same one. A run that raises ``ShortRead`` is tried again, a little later."""
    for round_ in range(rounds + 1):
        work = prepare(round_)
        order = [("store", store_run), ("raw", raw_run)]
        if round_ % 2 == 1:
            order.reverse()
        for side, run in order:
            for attempt in range(attempts):
                try:
                    count, seconds = await timed(lambda: run(work))  # noqa: B023 (awaited now)
                    break
                except ShortRead as short:
                    figure.note = (
                        f"{short} (attempt {attempt + 1}): a transaction elsewhere on the server "
                        "held the feed's horizon back; tried again"
                    )
                    await asyncio.sleep(0.5)
            else:
                raise SystemExit(f"{figure.name}: {figure.note}; giving up")
            if round_ > 0:
                getattr(figure, side).append(count / seconds)


# --------------------------------------------------------------------------------------------
# Setup: database, bare table (checked equal to events), server facts.
# --------------------------------------------------------------------------------------------

_COLUMNS_OF = """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
        a.attidentity, a.attgenerated, a.attcollation, pg_get_expr(d.adbin, d.adrelid)
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY a.attnum"""

_CONSTRAINTS_OF = """SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = $1::regclass ORDER BY 1, 2"""

# Index definitions without their names, which differ: "btree (stream_id, stream_version)".
_INDEXES_OF = """SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', ''),
        i.indisunique, i.indisprimary, i.indnullsnotdistinct
    FROM pg_index i WHERE i.indrelid = $1::regclass ORDER BY 1, 2, 3"""

_IDENTITY_OF = """SELECT s.seqtypid::regtype::text, s.seqstart, s.seqincrement, s.seqmax,
        s.seqmin, s.seqcache, s.seqcycle
    FROM pg_sequence s
    WHERE s.seqrelid = pg_get_serial_sequence($1, 'position')::regclass"""

_TRIGGERS_OF = """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
    WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY 1"""

_STORAGE_OF = "SELECT relpersistence, reloptions FROM pg_class WHERE oid = $1::regclass"


async def create_bare_table(connection: asyncpg.Connection) -> list[str]:
    """``bare_events``: the columns, types, defaults, identity, checks, unique constraints and
    indexes of ``events``, without its triggers; checked, not assumed. Returns events' triggers."""
    await connection.execute("CREATE TABLE bare_events (LIKE events INCLUDING ALL)")
    for query in (_COLUMNS_OF, _CONSTRAINTS_OF, _INDEXES_OF, _IDENTITY_OF, _STORAGE_OF):
        events = [tuple(row) for row in await connection.fetch(query, "events")]
        bare = [tuple(row) for row in await connection.fetch(query, "bare_events")]
        if events != bare:
            raise SystemExit(f"bare_events differs from events:\n  {events}\n  {bare}")
    if await connection.fetch(_TRIGGERS_OF, "bare_events"):
        raise SystemExit("bare_events must have no trigger")
    triggers = [row[1] for row in await connection.fetch(_TRIGGERS_OF, "events")]
    if any("INSERT" in definition for definition in triggers):
        raise SystemExit(f"events has an INSERT trigger, unexpected: {triggers}")
    return triggers


# --------------------------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> tuple[list[Figure], dict[str, str]]:
    async with common.benchmark_databases(
        args.database_url, keep=args.keep, console=console
    ) as databases:
        url = await databases.create(args.database_name)
        return await run_on(url, args)


async def run_on(url: str, args: argparse.Namespace) -> tuple[list[Figure], dict[str, str]]:
    writers = args.writers
    pool = await asyncpg.create_pool(url, min_size=writers, max_size=writers)
    try:
        async with pool.acquire() as connection:
            triggers = await create_bare_table(connection)
            facts = await common.server_facts(connection)
        for key, value in facts.items():
            console.print(f"[bold]{key}[/]: {value}")
        console.print(
            f"[bold]bare_events[/]: same columns, defaults, identity, checks, unique constraints "
            f"and indexes as events (checked); events has {len(triggers)} triggers "
            "(UPDATE/DELETE/TRUNCATE only), bare_events none"
        )
        store = PostgresEventStore(pool)
        rng = random.Random(args.seed)
        rounds = args.rounds
        batch_size = args.batch_size
        batch_events = args.events - args.events % batch_size
        single_events = args.single_events or max(args.events // 4, writers)
        single_events -= single_events % writers

        def size(round_: int, full: int, unit: int) -> int:
            """Events in a round: ``full``, or a quarter for the warm-up; a multiple of unit."""
            count = full if round_ > 0 else max(full // 4, unit)
            return count - count % unit

        progress = common.make_progress(console, description_width=28, remaining=False)
        bench = Bench(pool, store, progress, args)
        figures: list[Figure] = []
        with progress:
            # Every pooled connection plans the append function and the raw statements once.
            prime = single_workload(rng, "prime", writers, writers)
            quiet = progress.add_task("priming connections", total=2 * writers)
            await bench.store_single(prime, quiet)
            await bench.raw_single(prime, quiet)

            # 1. Batched appends.
            figure = Figure(f"batched ({batch_size}/call)", 0.9, events_per_run=batch_events)
            total = 2 * (size(0, batch_events, batch_size) + rounds * batch_events)
            task = progress.add_task("batched appends", total=total)
            await alternate(
                figure,
                rounds,
                lambda r: batched_workload(
                    rng, f"r{r}", size(r, batch_events, batch_size), batch_size
                ),
                lambda work: bench.store_batched(work, task),
                lambda work: bench.raw_batched(work, task),
            )
            figures.append(figure)

            # 2. Single-event appends, concurrent writers.
            figure = Figure(
                f"single-event ({writers} writers)", 0.8, events_per_run=single_events
            )
            total = 2 * (size(0, single_events, writers) + rounds * single_events)
            task = progress.add_task("single-event appends", total=total)
            await alternate(
                figure,
                rounds,
                lambda r: single_workload(
                    rng, f"r{r}", size(r, single_events, writers), writers
                ),
                lambda work: bench.store_single(work, task),
                lambda work: bench.raw_single(work, task),
            )
            figures.append(figure)

            # 3. Reading the whole log (the store's table, which both sides read).
            await pool.execute("VACUUM (ANALYZE) events")
            await pool.execute("VACUUM (ANALYZE) bare_events")
            log_size = await pool.fetchval("SELECT count(*) FROM events")
            figure = Figure(f"read all ({args.page_size}/page)", 0.5, events_per_run=log_size)
            task = progress.add_task("read all", total=2 * (rounds + 1) * log_size)

            async def checked(read: Callable[[TaskID], Awaitable[int]], side: str) -> int:
                count = await read(task)
                if count != log_size:
                    # The feed stops at the oldest running transaction of the whole cluster:
                    # another session's open transaction can hide our newer events for a while.
                    raise ShortRead(side, count, log_size)
                return count

            await alternate(
                figure,
                rounds,
                lambda r: None,
                lambda _: checked(bench.store_read, "store"),
                lambda _: checked(bench.raw_read, "raw"),
            )
            figures.append(figure)
        return figures, facts
    finally:
        await pool.close()


def report(figures: list[Figure], args: argparse.Namespace) -> None:
    table = Table(title="Event store vs raw asyncpg (median of rounds)")
    table.add_column("figure")
    table.add_column("store events/s", justify="right")
    table.add_column("raw events/s", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("per-round ratios", justify="right")
    table.add_column("target", justify="right")
    table.add_column("met?")
    for figure in figures:
        ratios = figure.round_ratios
        table.add_row(
            figure.name,
            f"{figure.store_median:,.0f}",
            f"{figure.raw_median:,.0f}",
            f"{figure.ratio:.3f}x",
            f"{min(ratios):.2f}-{max(ratios):.2f}",
            f">= {figure.target:.1f}x",
            "[green]met[/]" if figure.met else "[red]not met[/]",
        )
    console.print(table)
    for figure in figures:
        if figure.note:
            console.print(f"[yellow]note[/]: {figure.name}: {figure.note}")
    for figure in figures:
        console.print(
            f"{figure.name}: {figure.events_per_run:,} events per run; "
            f"store {', '.join(f'{v:,.0f}' for v in figure.store)}; "
            f"raw {', '.join(f'{v:,.0f}' for v in figure.raw)}"
        )
    if args.markdown:
        print()
        print("| figure | store events/s | raw events/s | ratio | per-round ratios | target | met? |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for figure in figures:
            ratios = figure.round_ratios
            print(
                f"| {figure.name} | {figure.store_median:,.0f} | {figure.raw_median:,.0f} | "
                f"{figure.ratio:.3f}x | {min(ratios):.2f}–{max(ratios):.2f} | "
                f"≥ {figure.target:.1f}x | {'met' if figure.met else 'not met'} |"
            )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.store", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--events",
        type=int,
        default=15_000,
        help="events per timed run of the batched case (default 15000); the single-event case "
        "writes a quarter of that per run unless --single-events says otherwise; the read case "
        "reads everything the store side wrote (about 6.5 times N)",
    )
    parser.add_argument("--single-events", type=int, default=0, help="events per single-event run")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per case (default 5)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--writers", type=int, default=16, help="concurrent single-event writers")
    parser.add_argument("--page-size", type=int, default=1000, help="read_all limit and prefetch")
    parser.add_argument(
        "--database-url",
        default=common.default_admin_url(),
        help="an admin URL of the server (default $DATABASE_URL or "
        + common.DEFAULT_ADMIN_URL + ")",
    )
    parser.add_argument("--database-name", default=DEFAULT_DATABASE, help="created and dropped")
    parser.add_argument("--seed", type=int, default=20251126)
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--keep", action="store_true", help="keep the database (for profiling)")
    args = parser.parse_args(argv)
    if args.events < args.batch_size or args.rounds < 1:
        parser.error("--events must be at least --batch-size, and --rounds at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        figures, _facts = asyncio.run(common.run_cancellable(lambda: run(args)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        console.print("[yellow]interrupted; the benchmark database was dropped")
        return 130
    report(figures, args)
    console.print(f"total time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
