"""The HTTP API as deployed against bare Litestar + asyncpg handlers, in one run on one server.

    python -m bench.http [--duration 15] [--rounds 2] [--markdown]

The service runs as it is deployed: ``policy-timeline serve`` in a subprocess, on a fresh
database of its own (created, migrated, seeded on start, and dropped at the end, also on
Ctrl-C), access logs off. Before measuring, a few thousand generated timeline facts (meetings
and statements of the seed's agencies, quoting the seed article) are appended through the
API, and the projector is waited for. Two figures, each beside a baseline measured in the
same run, on the same database, under the same uvicorn settings (worker count, log level):

1. ``GET /agencies/{busiest}/timeline`` (first page, default limit) at 32 connections,
   against a bare Litestar handler that runs the same SQL (captured from the service's own
   query builder, ``service.queries.timeline.timeline_page``) with asyncpg and returns the
   rows as JSON. Checked before measuring: both answer the same event ids in the same order.
2. ``POST /streams/{stream_id}/events`` of one new ``organization.registered`` each (its own
   stream, ``expected_version: "no_stream"``) at 32 connections, against a bare handler doing
   a one-row ``INSERT`` into ``bench_events``, a copy of ``events`` (``LIKE events INCLUDING
   ALL``, checked equal in the catalog, no triggers).

Where ``policy-timeline serve`` has ``--workers`` and ``--projector``, every combination of
``--workers`` (default 1 and 2) and ``--projector`` (default inline and process) is measured;
on a service without them, the one configuration it has. Load comes from ``wrk`` in its own
process when it is installed, otherwise from a small asyncio client of this module, also in a
process of its own (``--client``). Each case: a warm-up of each side, then ``--rounds``
rounds of ``--duration`` seconds per side, alternating (service-bare, bare-service, …); the
table reports medians, the 1-minute load average and the CPUs' busy and I/O-wait shares
during the rounds (anyone's work: the machine is shared). After each of the service's append
rounds the benchmark waits until every projection has folded what it appended (its
checkpoint reaches the last event), so that the projector's work does not fall into the next
round; that drain time is reported, and so is the rate counting it. Per configuration, a
probe of ``GET /health`` one request after another on one kept-alive connection shows
whether the server's sockets have TCP_NODELAY (well under 1 ms) or not (about 40 ms).
``--quiet 0.3`` waits before each case until the machine is that idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "pt_bench_http"
TOKEN = "pt_bench-http-token-0123456789abcdefghijklmnopqrstuvwxyz"
"""An ``append`` token, made in the benchmark's database right after it is migrated."""
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent

TARGET_GET_RATIO = 0.8
TARGET_GET_P99_MS = 25.0
TARGET_POST_RATIO = 0.5

# The one request body of the append case, as a template shared by both load generators:
# event id, organization id, and a number twice (the wrk script fills it the same way).
POST_TEMPLATE = (
    '{"expected_version":"no_stream","events":[{"id":"%s","type":"organization.registered",'
    '"data":{"organization_id":"%s","name_ko":"벤치마크 기업 %d","name_en":"Benchmark company %d",'
    '"kind":"company"}}]}'
)


def post_request_parts(session: int, run: int, worker: int, counter: int) -> tuple[str, str]:
    """The path and JSON body of append number ``counter`` of ``worker`` in ``run``."""
    org = f"b{session:x}-{run}-{worker}-{counter}"
    event_id = f"{session:08x}-{run * 256 + worker:04x}-4000-8000-{counter:012x}"
    body = POST_TEMPLATE % (event_id, org, counter, counter)
    return f"/streams/organization-{org}/events", body


# --------------------------------------------------------------------------------------------
# The bare baseline: Litestar + asyncpg, nothing else (run by uvicorn as a factory).
# --------------------------------------------------------------------------------------------

BARE_ENV_URL = "BENCH_HTTP_DATABASE_URL"
BARE_ENV_SQL = "BENCH_HTTP_TIMELINE_SQL"
BARE_ENV_LIMIT = "BENCH_HTTP_TIMELINE_LIMIT"
BARE_ENV_POOL = "BENCH_HTTP_POOL"  # "min,max", the service's pool sizes

BARE_INSERT = """INSERT INTO bench_events (event_id, stream_id, stream_version, type, data)
    VALUES ($1, $2, 1, $3, $4::jsonb) RETURNING position"""


def bare_app():
    """``uvicorn --factory bench.http:bare_app``: the baselines' handlers on the benchmark's
    database. The pool has the service's sizes and, like the service's, no reset query on
    release; ``jit`` is off as on the service's connections."""
    from contextlib import asynccontextmanager

    import asyncpg
    import msgspec
    from litestar import Litestar, get, post

    url = os.environ[BARE_ENV_URL]
    sql = os.environ[BARE_ENV_SQL]
    limit = int(os.environ[BARE_ENV_LIMIT])
    min_size, max_size = (int(n) for n in os.environ[BARE_ENV_POOL].split(","))
    pools: list[asyncpg.Pool] = []

    async def no_reset(connection: asyncpg.Connection) -> None:
        return None

    @asynccontextmanager
    async def lifespan(app: Litestar):
        pools.append(
            await asyncpg.create_pool(
                url,
                min_size=min_size,
                max_size=max_size,
                reset=no_reset,
                server_settings={"application_name": "bench-http-bare", "jit": "off"},
            )
        )
        try:
            yield
        finally:
            await pools[0].close()

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @get("/agencies/{agency_id:str}/timeline")
    async def timeline(agency_id: str) -> list[dict[str, Any]]:
        rows = await pools[0].fetch(sql, agency_id, limit + 1)
        return [dict(row) for row in rows[:limit]]

    @post("/streams/{stream_id:str}/events", status_code=201)
    async def append(stream_id: str, data: dict[str, Any]) -> dict[str, Any]:
        event = data["events"][0]
        position = await pools[0].fetchval(
            BARE_INSERT,
            uuid.UUID(event["id"]),
            stream_id,
            event["type"],
            msgspec.json.encode(event["data"]).decode(),
        )
        return {"stream_id": stream_id, "position": position}

    return Litestar(
        route_handlers=[health, timeline, append], lifespan=[lifespan], openapi_config=None
    )


async def timeline_sql(limit: int) -> str:
    """The SQL text ``timeline_page`` runs for a first page without filters, captured from the
    service's own builder by a connection that records what it is asked to fetch. Its
    parameters are ``$1`` the agency id and ``$2`` the limit + 1 (checked)."""
    from service.queries.timeline import timeline_page

    captured: list[tuple[str, tuple[Any, ...]]] = []

    class Recorder:
        async def fetch(self, sql: str, *arguments: Any) -> list[Any]:
            captured.append((sql, arguments))
            return []

    await timeline_page(Recorder(), "agency-x", limit=limit)  # type: ignore[arg-type]
    if len(captured) != 1 or captured[0][1] != ("agency-x", limit + 1):
        raise SystemExit(
            f"timeline_page no longer runs one query of (agency, limit + 1): {captured}"
        )
    return captured[0][0]


# --------------------------------------------------------------------------------------------
# A small HTTP/1.1 keep-alive client (setup, checks, and the fallback load generator).
# --------------------------------------------------------------------------------------------


def http_request(
    method: str, path: str, body: bytes | None = None, token: str | None = None
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class HttpConnection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length) if length else b""
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return status, b"".join(p[:-2] for p in parts)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
            self.writer = None


async def fetch(
    port: int, method: str, path: str, body: bytes | None = None, token: str | None = None
) -> tuple[int, bytes]:
    connection = HttpConnection(port)
    try:
        return await connection.send(http_request(method, path, body, token))
    finally:
        await connection.close()


# --------------------------------------------------------------------------------------------
# Load generators: wrk, or this module's own asyncio client. Both run in a process of their own.
# --------------------------------------------------------------------------------------------

WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_RESULT {"requests": %d, "duration_s": %.6f, "p50_ms": %.3f, '
    .. '"p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, "errors": %d, '
    .. '"timeouts": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    latency.mean / 1e3, e.connect + e.read + e.write, e.timeout, e.status))
end
"""

WRK_POST = (
    r"""
nthreads = 0
setup = function(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
counter = 0
init = function(args)
  session = tonumber(args[1])
  run = tonumber(args[2])
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[3]}
end
request = function()
  counter = counter + 1
  local org = string.format("b%x-%d-%d-%d", session, run, tid, counter)
  local id = string.format("%08x-%04x-4000-8000-%012x", session, run * 256 + tid, counter)
  local body = string.format('"""
    + POST_TEMPLATE
    + r"""', id, org, counter, counter)
  return wrk.format("POST", "/streams/organization-" .. org .. "/events", headers, body)
end
"""
    + WRK_DONE
)


@dataclass
class LoadSpec:
    port: int
    mode: str  # "get" or "post"
    path: str  # the GET path
    connections: int
    threads: int
    duration: float
    session: int
    run: int


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def python_load(spec: LoadSpec) -> dict[str, Any]:
    """``spec.connections`` keep-alive connections, each sending its next request as soon as
    the last one is answered, for ``spec.duration`` seconds (a closed loop, as wrk)."""
    latencies: list[float] = []
    errors = 0
    non_2xx = 0
    deadline = time.perf_counter() + spec.duration
    get_raw = http_request("GET", spec.path)

    async def worker(number: int) -> None:
        nonlocal errors, non_2xx
        connection = HttpConnection(spec.port)
        counter = 0
        try:
            while time.perf_counter() < deadline:
                if spec.mode == "get":
                    raw = get_raw
                else:
                    counter += 1
                    path, body = post_request_parts(spec.session, spec.run, number, counter)
                    raw = http_request("POST", path, body.encode(), TOKEN)
                started = time.perf_counter()
                try:
                    status, _ = await connection.send(raw)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    await connection.close()
                    continue
                latencies.append(time.perf_counter() - started)
                if not 200 <= status < 300:
                    non_2xx += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n + 1) for n in range(spec.connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "duration_s": elapsed,
        "p50_ms": _percentile(ordered, 0.50) * 1e3,
        "p90_ms": _percentile(ordered, 0.90) * 1e3,
        "p99_ms": _percentile(ordered, 0.99) * 1e3,
        "max_ms": (ordered[-1] if ordered else float("nan")) * 1e3,
        "mean_ms": statistics.fmean(ordered) * 1e3 if ordered else float("nan"),
        "errors": errors,
        "timeouts": 0,
        "non_2xx": non_2xx,
    }


class LoadGenerator:
    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.workdir = workdir
        (workdir / "get.lua").write_text(WRK_DONE)
        (workdir / "post.lua").write_text(WRK_POST)

    def describe(self) -> str:
        if self.kind == "wrk":
            version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
            return (version.stdout.splitlines() or ["wrk"])[0].strip()
        return "bench.http's asyncio HTTP/1.1 client (one process)"

    async def run(self, spec: LoadSpec) -> dict[str, Any]:
        if self.kind == "wrk":
            command = [
                "wrk", f"-t{spec.threads}", f"-c{spec.connections}", f"-d{spec.duration:g}s",
                "--timeout", "10s", "-s", str(self.workdir / f"{spec.mode}.lua"),
                f"http://{HOST}:{spec.port}{spec.path}",
            ]  # fmt: skip
            if spec.mode == "post":
                command += ["--", str(spec.session), str(spec.run), TOKEN]
        else:
            payload = json.dumps(spec.__dict__)
            command = [sys.executable, "-m", "bench.http", "--load-generator", payload]
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        try:
            stdout, stderr = await process.communicate()
        except asyncio.CancelledError:
            process.kill()  # the load generator this benchmark started
            await process.wait()
            raise
        for line in stdout.decode().splitlines():
            if line.startswith("BENCH_RESULT "):
                return json.loads(line.removeprefix("BENCH_RESULT "))
        raise RuntimeError(
            f"load generator failed ({process.returncode}): {stderr.decode()[-2000:]}"
        )


# --------------------------------------------------------------------------------------------
# Servers: the service (policy-timeline serve) and the bare baseline (uvicorn), subprocesses.
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    command: list[str]
    environment: dict[str, str]
    log: Path
    port: int
    process: subprocess.Popen | None = None

    async def start(self, timeout: float = 180.0) -> None:
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                self.command,
                cwd=ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: its workers stop with it
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}):\n{self.tail()}"
                )
            try:
                status, _ = await fetch(self.port, "GET", "/health")
                if status == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /health in {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this benchmark started
            process.wait()
        else:
            try:  # any worker left behind in its group
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass(frozen=True)
class Config:
    workers: int
    projector: str | None  # None: the service has no such setting

    def label(self) -> str:
        # A serve without --projector runs the projector in its API process: inline.
        projector = self.projector or "inline (serve's only mode)"
        return f"{self.workers} worker{'s' if self.workers > 1 else ''}, projector {projector}"


def serve_options() -> tuple[bool, list[str]]:
    """Whether ``serve`` takes ``--workers``, and the ``--projector`` modes it offers."""
    helped = subprocess.run(
        [policy_timeline(), "serve", "--help"],
        capture_output=True, text=True, cwd=ROOT, env=base_environment(), check=False,
    ).stdout  # fmt: skip
    workers = "--workers" in helped
    modes = re.search(r"--projector \{([a-z,]+)\}", helped)
    return workers, modes.group(1).split(",") if modes else []


def policy_timeline() -> str:
    beside = Path(sys.executable).with_name("policy-timeline")
    return str(beside) if beside.exists() else "policy-timeline"


def base_environment() -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POLICY_TIMELINE_", "BENCH_HTTP_")) and key != "DATABASE_URL"
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    return environment


def service_server(config: Config, url: str, workdir: Path) -> Server:
    port = free_port()
    command = [policy_timeline(), "serve", "--host", HOST, "--port", str(port)]
    if config.projector is not None:
        command += ["--workers", str(config.workers), "--projector", config.projector]
    environment = base_environment() | {
        "DATABASE_URL": url,
        "POLICY_TIMELINE_SEED_ON_START": "true",
        "POLICY_TIMELINE_LOG_LEVEL": "warning",  # uvicorn's access log is at info: off
        # 32 connections from one address: the per-address write limit would measure itself.
        "POLICY_TIMELINE_WRITE_RATE_LIMIT": "0",
    }
    tag = f"w{config.workers}-{config.projector or 'default'}"
    return Server("service", command, environment, workdir / f"service-{tag}.log", port)


def bare_server(
    config: Config, url: str, sql: str, limit: int, pool: tuple[int, int], workdir: Path
) -> Server:
    from service.operations.http_protocol import HTTP_PROTOCOL

    port = free_port()
    # The same HTTP protocol class as serve's.
    command = [
        sys.executable, "-m", "uvicorn", "bench.http:bare_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", str(config.workers),
        "--http", HTTP_PROTOCOL, "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    environment = base_environment() | {
        BARE_ENV_URL: url,
        BARE_ENV_SQL: sql,
        BARE_ENV_LIMIT: str(limit),
        BARE_ENV_POOL: f"{pool[0]},{pool[1]}",
    }
    return Server("bare", command, environment, workdir / f"bare-w{config.workers}.log", port)


# --------------------------------------------------------------------------------------------
# The database: created, migrated, bench_events beside events, a bulk of timeline facts.
# --------------------------------------------------------------------------------------------

_COLUMNS_OF = """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
        a.attidentity, pg_get_expr(d.adbin, d.adrelid)
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
_CONSTRAINTS_OF = """SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = $1::regclass ORDER BY 1, 2"""
_INDEXES_OF = """SELECT regexp_replace(pg_get_indexdef(indexrelid), '^.* USING ', ''), indisunique
    FROM pg_index WHERE indrelid = $1::regclass ORDER BY 1, 2"""
_TRIGGERS_OF = "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal"


async def create_bench_events(connection) -> None:
    """``bench_events``: ``events``' columns, defaults, identity, checks, unique constraints
    and indexes (checked), without its triggers (which fire on UPDATE/DELETE/TRUNCATE only)."""
    await connection.execute("CREATE TABLE bench_events (LIKE events INCLUDING ALL)")
    for query in (_COLUMNS_OF, _CONSTRAINTS_OF, _INDEXES_OF):
        original = [tuple(row) for row in await connection.fetch(query, "events")]
        copy = [tuple(row) for row in await connection.fetch(query, "bench_events")]
        if original != copy:
            raise SystemExit(f"bench_events differs from events:\n  {original}\n  {copy}")
    if await connection.fetch(_TRIGGERS_OF, "bench_events"):
        raise SystemExit("bench_events must have no trigger")


MEETING_KINDS = [
    "roundtable",
    "review_meeting",
    "conference",
    "hearing",
    "briefing",
    "consultation",
]
TOPICS = ["ai-talent", "startups", "open-source", "privacy", "compute", "regulation", "data"]
ORGANIZATIONS = ["wrtn-technologies", "klleon", "scatter-lab", "moreh", "elice-group"]
KOREAN_TITLES = ["AI 스타트업 간담회", "인력정책 점검 회의", "개인정보 정책 설명회", "생성형 AI 가이드 협의",
                 "제조 AI 현장 회의", "오픈소스 AI 토론회"]  # fmt: skip


def _occurred(rng: random.Random) -> dict[str, Any]:
    year = rng.randint(2015, 2025)
    draw = rng.random()
    if draw < 0.62:
        value = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    elif draw < 0.93:
        value = f"{year}-{rng.randint(1, 12):02d}"
    else:
        value = str(year)
    return {"date": value, "approximate": rng.random() < 0.1}


def bulk_events(count: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """``count`` timeline facts for the seed's agencies (MSS busier than PIPC): 60% meetings,
    then 40% statements (some at those meetings), each quoting a sentence of the seed article."""
    from events.seed import ARTICLE_TEXT, SOURCE_ID
    from events.statements import STATEMENT_KINDS

    rng = random.Random(seed)
    quotes = [
        piece.strip()
        for line in ARTICLE_TEXT.splitlines()
        for piece in line.split(". ")
        if len(piece.strip()) >= 15 and piece.strip() in ARTICLE_TEXT
    ]

    def evidence() -> list[dict[str, str]]:
        return [{"source_id": SOURCE_ID, "quote": rng.choice(quotes)}]

    meetings = []
    result: list[tuple[str, dict[str, Any]]] = []
    for i in range(count * 6 // 10):
        meeting_id = f"bench-meeting-{i}"
        meetings.append(meeting_id)
        data = {
            "meeting_id": meeting_id,
            "organiser": "mss" if rng.random() < 0.65 else "pipc",
            "title_ko": f"{rng.choice(KOREAN_TITLES)} {i}",
            "title_en": f"Benchmark meeting {i}",
            "kind": rng.choice(MEETING_KINDS),
            "attendees": [
                {"kind": "organization", "id": o}
                for o in rng.sample(ORGANIZATIONS, rng.randint(0, 2))
            ],
            "topics": rng.sample(TOPICS, 2),
            "summary_ko": "참석자들은 AI 인재 양성과 데이터 접근성 개선 방안을 논의했다.",
            "occurred": _occurred(rng),
            "evidence": evidence(),
        }
        result.append((f"meeting-{meeting_id}", {"type": "meeting.held", "data": data}))
    for i in range(count - len(result)):
        statement_id = f"bench-statement-{i}"
        draw = rng.random()
        if draw < 0.4:
            speaker = {"kind": "agency", "id": "mss"}
        elif draw < 0.7:
            speaker = {"kind": "person", "id": "oh-young-ju"}
        elif draw < 0.85:
            speaker = {"kind": "agency", "id": "pipc"}
        else:
            speaker = {"kind": "organization", "id": rng.choice(ORGANIZATIONS)}
        data = {
            "statement_id": statement_id,
            "speaker": speaker,
            "meeting": rng.choice(meetings) if rng.random() < 0.6 else None,
            "kind": rng.choice(STATEMENT_KINDS),
            "text": "우수한 AI 인재 확보와 스타트업 성장 지원이 필요하다고 밝혔다.",
            "text_en": f"Benchmark statement {i}.",
            "topics": rng.sample(TOPICS, 1),
            "occurred": _occurred(rng),
            "evidence": evidence(),
        }
        result.append((f"statement-{statement_id}", {"type": "statement.made", "data": data}))
    return result


async def append_bulk(
    port: int, facts: list[tuple[str, dict[str, Any]]], concurrency: int = 8
) -> float:
    """Append each fact in its own stream through the API; meetings before the statements
    that name them (the list's order, kept by appending in two waves)."""
    started = time.perf_counter()
    waves = [
        [f for f in facts if f[1]["type"] == "meeting.held"],
        [f for f in facts if f[1]["type"] != "meeting.held"],
    ]
    for wave in waves:
        queue = list(reversed(wave))

        async def worker(queue: list[tuple[str, dict[str, Any]]]) -> None:
            connection = HttpConnection(port)
            try:
                while queue:
                    stream_id, event = queue.pop()
                    body = json.dumps(
                        {
                            "expected_version": "no_stream",
                            "events": [{"id": str(uuid.uuid4()), **event}],
                        },
                        ensure_ascii=False,
                    ).encode()
                    status, answer = await connection.send(
                        http_request("POST", f"/streams/{stream_id}/events", body, TOKEN)
                    )
                    if status != 201:
                        raise RuntimeError(f"append to {stream_id}: {status} {answer[:600]!r}")
            finally:
                await connection.close()

        await asyncio.gather(*(worker(queue) for _ in range(concurrency)))
    return time.perf_counter() - started


@dataclass
class CatchUp:
    seconds: float
    """Until every projection's checkpoint had reached the last event in feed order."""
    blocked: float
    """Of which the last event was not yet readable by the gap-safe feed: an open transaction
    somewhere on the server (another database's tests, say) held the feed's bound back."""


async def wait_for_projections(connection, names: Sequence[str], timeout: float) -> CatchUp | None:
    """Wait until every projection's checkpoint (a feed cursor: transaction id, position) has
    reached the last event in feed order; None after ``timeout``."""
    started = time.perf_counter()
    readable_at: float | None = None
    while True:
        done, readable = await connection.fetchrow(
            """SELECT count(*) = cardinality($1::text[])
                   AND bool_and((c.transaction_id, c.position) >= (last.xid, last.position)),
                   bool_or(last.xid < pg_snapshot_xmin(pg_current_snapshot()))
               FROM projection_checkpoints c,
                   (SELECT transaction_id AS xid, position FROM events
                    ORDER BY transaction_id DESC, position DESC LIMIT 1) AS last
               WHERE c.name = ANY ($1::text[])""",
            list(names),
        )
        elapsed = time.perf_counter() - started
        if (readable or done) and readable_at is None:
            readable_at = elapsed
        if done:
            return CatchUp(elapsed, readable_at or 0.0)
        if elapsed > timeout:
            return None
        await asyncio.sleep(0.05)


async def busiest_agency(connection) -> tuple[str, int]:
    """The agency with the most current timeline entries, and how many."""
    versioned = await connection.fetchval(
        """SELECT EXISTS (SELECT FROM information_schema.columns
            WHERE table_name = 'timeline_entries' AND column_name = 'known_until')"""
    )
    current = "WHERE known_until IS NULL" if versioned else ""
    row = await connection.fetchrow(
        f"""SELECT agency_id, count(*) FROM timeline_entries {current}
            GROUP BY agency_id ORDER BY count(*) DESC, agency_id LIMIT 1"""
    )
    return row[0], row[1]


# --------------------------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------------------------


def cpu_times() -> tuple[int, int, int]:
    """(busy, iowait, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values) - values[3] - values[4], values[4], sum(values)


def cpu_shares(before: tuple[int, int, int], after: tuple[int, int, int]) -> tuple[float, float]:
    """The share of the CPUs' time between two readings that was busy (anyone's work), and
    that was idle waiting for I/O (a disk that other work keeps busy slows commits)."""
    total = max(1, after[2] - before[2])
    return (after[0] - before[0]) / total, (after[1] - before[1]) / total


async def wait_until_quiet(max_busy: float, timeout: float, window: float = 5.0) -> float:
    """Wait until the CPUs were at most ``max_busy`` busy or waiting for I/O over the last
    ``window`` seconds (anyone's work: other engineers' tests share the machine), or
    ``timeout``; returns that share of the last window."""
    started = time.perf_counter()
    while True:
        before = cpu_times()
        await asyncio.sleep(window)
        busy, iowait = cpu_shares(before, cpu_times())
        if busy + iowait <= max_busy or time.perf_counter() - started >= timeout:
            return busy + iowait


@dataclass
class Round:
    side: str
    result: dict[str, Any]
    load_start: float
    load_end: float
    cpu_busy: float
    cpu_iowait: float
    other_sessions: int
    drain: CatchUp | None = None

    @property
    def drain_s(self) -> float | None:
        """The projector's own lag after the round: the catch-up time, less the part when the
        feed could not read the last event yet because of another session's transaction."""
        return None if self.drain is None else self.drain.seconds - self.drain.blocked

    @property
    def rps(self) -> float:
        good = self.result["requests"] - self.result["non_2xx"]
        return good / self.result["duration_s"]

    @property
    def rps_with_drain(self) -> float:
        """Requests per second counting the time the projector still needed after the round
        (its own lag, ``drain_s``)."""
        good = self.result["requests"] - self.result["non_2xx"]
        return good / (self.result["duration_s"] + (self.drain_s or 0.0))


@dataclass
class Figure:
    config: Config
    case: str
    service: list[Round] = field(default_factory=list)
    bare: list[Round] = field(default_factory=list)

    def median(self, side: str, key: str) -> float:
        rounds = self.service if side == "service" else self.bare
        if key in ("rps", "rps_with_drain"):
            return statistics.median(getattr(r, key) for r in rounds)
        return statistics.median(r.result[key] for r in rounds)

    @property
    def ratio(self) -> float:
        return self.median("service", "rps") / self.median("bare", "rps")

    def round_ratios(self) -> list[float]:
        return [s.rps / b.rps for s, b in zip(self.service, self.bare)]

    @property
    def errors(self) -> int:
        return sum(
            r.result["errors"] + r.result["timeouts"] + r.result["non_2xx"]
            for r in self.service + self.bare
        )

    def targets(self) -> list[tuple[str, bool]]:
        if self.case == "GET timeline":
            p99 = self.median("service", "p99_ms")
            return [
                (f"≥ {TARGET_GET_RATIO}x", self.ratio >= TARGET_GET_RATIO),
                (f"p99 ≤ {TARGET_GET_P99_MS:g} ms", p99 <= TARGET_GET_P99_MS),
            ]
        return [(f"≥ {TARGET_POST_RATIO}x", self.ratio >= TARGET_POST_RATIO)]

    def loads(self) -> list[float]:
        return [v for r in self.service + self.bare for v in (r.load_start, r.load_end)]

    def cpu(self) -> list[float]:
        return [r.cpu_busy for r in self.service + self.bare]

    def iowait(self) -> list[float]:
        return [r.cpu_iowait for r in self.service + self.bare]


class Bench:
    def __init__(
        self, args: argparse.Namespace, generator: LoadGenerator, admin, db, database_name: str
    ) -> None:
        from service.read_models import PROJECTIONS

        self.args = args
        self.generator = generator
        self.admin = admin  # the server's maintenance database: other sessions
        self.db = db  # the benchmark's database: projection checkpoints
        self.database_name = database_name
        self.projections = [projection.name for projection in PROJECTIONS]
        self.session = random.Random(args.seed).getrandbits(31)
        self.runs = 0

    def spec(self, server: Server, mode: str, path: str, duration: float) -> LoadSpec:
        self.runs += 1
        return LoadSpec(
            port=server.port, mode=mode, path=path, connections=self.args.connections,
            threads=self.args.threads, duration=duration, session=self.session, run=self.runs,
        )  # fmt: skip

    async def other_sessions(self) -> int:
        return await self.admin.fetchval(
            """SELECT count(*) FROM pg_stat_activity
               WHERE state <> 'idle' AND backend_type = 'client backend'
                 AND datname IS DISTINCT FROM $1 AND pid <> pg_backend_pid()""",
            self.database_name,
        )

    async def measure(self, server: Server, side: str, mode: str, path: str, drain: bool) -> Round:
        load_start = os.getloadavg()[0]
        others = await self.other_sessions()
        before = cpu_times()
        result = await self.generator.run(self.spec(server, mode, path, self.args.duration))
        busy, iowait = cpu_shares(before, cpu_times())
        load_end = os.getloadavg()[0]
        others = max(others, await self.other_sessions())
        measured = Round(side, result, load_start, load_end, busy, iowait, others)
        if drain:
            measured.drain = await self.drain()
        return measured

    async def drain(self) -> CatchUp | None:
        """Wait for the service's projector to fold what the round appended, so that its work
        does not fall into the next round; returns how long that took."""
        waited = await wait_for_projections(self.db, self.projections, self.args.drain_timeout)
        if waited is None:
            print(
                f"  note: projections not caught up {self.args.drain_timeout:.0f} s after the round"
            )
        return waited

    async def case(
        self, config: Config, case: str, service: Server, bare: Server, mode: str, path: str
    ) -> Figure:
        figure = Figure(config, case)
        drain = mode == "post"
        if self.args.quiet:
            started = time.perf_counter()
            busy = await wait_until_quiet(self.args.quiet, self.args.quiet_timeout)
            print(
                f"  {case}: waited {time.perf_counter() - started:.0f} s for quiet "
                f"(CPUs {busy:.0%} busy or in I/O wait)"
            )
        print(f"  {case}: warm-up {self.args.warmup:g} s per side", flush=True)
        for server in (service, bare):
            await self.generator.run(self.spec(server, mode, path, self.args.warmup))
            if drain and server is service:
                await self.drain()
        for number in range(self.args.rounds):
            order = [("service", service), ("bare", bare)]
            if number % 2:
                order.reverse()
            for side, server in order:
                measured = await self.measure(server, side, mode, path, drain and side == "service")
                (figure.service if side == "service" else figure.bare).append(measured)
                r, caught_up = measured.result, measured.drain
                print(
                    f"  round {number + 1} {side:>7}: {measured.rps:8.1f} req/s"
                    f"  p50 {r['p50_ms']:6.2f}  p90 {r['p90_ms']:6.2f}  p99 {r['p99_ms']:7.2f}"
                    f"  max {r['max_ms']:7.0f} ms"
                    f"  failed/timed out/non-2xx {r['errors']}/{r['timeouts']}/{r['non_2xx']}"
                    f"  load {measured.load_start:.2f}->{measured.load_end:.2f}"
                    f"  cpu {measured.cpu_busy:.0%} iowait {measured.cpu_iowait:.0%}"
                    + (
                        f"  drain {caught_up.seconds:.2f} s (blocked {caught_up.blocked:.2f} s)"
                        if caught_up is not None
                        else ""
                    ),
                    flush=True,
                )
        return figure


async def check_timeline(service: Server, bare: Server, agency: str, limit: int) -> dict[str, Any]:
    """Both sides answer 200 with the same event ids in the same order; their sizes."""
    path = f"/agencies/{agency}/timeline"
    status_s, body_s = await fetch(service.port, "GET", path)
    status_b, body_b = await fetch(bare.port, "GET", path)
    if status_s != 200 or status_b != 200:
        raise RuntimeError(
            f"timeline: service {status_s} {body_s[:300]!r}, bare {status_b} {body_b[:300]!r}"
        )
    ids_s = [entry["event_id"] for entry in json.loads(body_s)["entries"]]
    ids_b = [row["event_id"] for row in json.loads(body_b)]
    if ids_s != ids_b or len(ids_s) != limit:
        raise RuntimeError(
            f"service and bare answer different pages: {len(ids_s)} vs {len(ids_b)} entries"
        )
    return {"entries": len(ids_s), "service_bytes": len(body_s), "bare_bytes": len(body_b)}


async def keepalive_latency(port: int, requests: int = 30) -> float:
    """Median milliseconds of ``GET /health`` one after another on one kept-alive connection.
    Some 40 ms means the server's sockets lack TCP_NODELAY: each answer's last segment waits
    for the client's delayed ACK (uvicorn before 0.55 with ``--workers N`` > 1 on Linux,
    Kludex/uvicorn#3149)."""
    connection = HttpConnection(port)
    raw = http_request("GET", "/health")
    times = []
    try:
        for _ in range(requests + 3):
            started = time.perf_counter()
            await connection.send(raw)
            times.append(time.perf_counter() - started)
    finally:
        await connection.close()
    return statistics.median(times[3:]) * 1e3


async def check_append(service: Server, bare: Server, session: int, run: int) -> None:
    for number, server in enumerate((service, bare)):
        path, body = post_request_parts(session, run, number + 1, 1)
        status, answer = await fetch(server.port, "POST", path, body.encode(), TOKEN)
        if status != 201:
            raise RuntimeError(f"{server.name} append: {status} {answer[:400]!r}")


def _version(value: Any) -> str:
    parts = [getattr(value, part, None) for part in ("major", "minor", "patch")]
    return ".".join(map(str, parts)) if None not in parts else str(value)


async def machine_facts(connection, generator: LoadGenerator) -> dict[str, str]:
    import asyncpg
    import litestar
    import msgspec
    import uvicorn

    facts: dict[str, str] = {}
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown"
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    facts["machine"] = (
        f"{os.cpu_count()} CPU cores ({model}){memory}, {platform.system()} {platform.release()}"
    )
    facts["server"] = await connection.fetchval("SELECT version()")
    settings = []
    for name in (
        "shared_buffers",
        "synchronous_commit",
        "fsync",
        "max_connections",
        "jit",
        "autovacuum",
    ):
        settings.append(f"{name}={await connection.fetchval('SELECT current_setting($1)', name)}")
    facts["server settings"] = ", ".join(settings)

    def have(module: str) -> bool:
        try:
            __import__(module)
            return True
        except ImportError:
            return False

    loop = "uvloop" if have("uvloop") else "asyncio"
    parser = "httptools" if have("httptools") else "h11"
    facts["python"] = (
        f"Python {platform.python_version()}, litestar {_version(litestar.__version__)}, "
        f"uvicorn {uvicorn.__version__} (loop {loop}, http {parser}), "
        f"asyncpg {asyncpg.__version__}, msgspec {msgspec.__version__}"
    )
    facts["load generator"] = generator.describe()
    facts["code"] = code_state()
    return facts


def code_state() -> str:
    """The commit measured, and whether the code the service runs differs from it."""

    def git(*arguments: str) -> str:
        done = subprocess.run(
            ["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "service", "events", "migrations")
    return f"commit {commit}" + (" + uncommitted changes in service/" if changed else "")


def configurations(args: argparse.Namespace) -> list[Config]:
    """Every combination of worker count and projector mode that ``serve`` offers (and the
    options ask for); one configuration on a ``serve`` without those options."""
    has_workers, modes = serve_options()
    if has_workers:
        workers = args.workers or [1, 2]
        projectors = args.projector or [m for m in ("inline", "process") if m in modes]
        return [Config(w, p) for w in workers for p in projectors]
    if (args.workers and args.workers != [1]) or args.projector:
        print("note: `policy-timeline serve` has no --workers/--projector: 1 worker, inline")
    return [Config(1, None)]


async def run(args: argparse.Namespace, workdir: Path) -> tuple[list[Figure], dict[str, str]]:
    """Create and migrate the database, measure every configuration, drop the database."""
    import asyncpg

    from service import database

    configs = configurations(args)
    generator = LoadGenerator(args.client, workdir)
    name = args.database_name
    url = database.with_database(args.database_url, name)
    admin = await asyncpg.connect(args.database_url)
    try:
        facts = await machine_facts(admin, generator)
        for key, value in facts.items():
            print(f"{key}: {value}")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            await asyncio.to_thread(database.migrate, url)
            db = await asyncpg.connect(url)
            try:
                from service.http import tokens

                await tokens.create(db, "bench-http", ["append"], TOKEN)
                await create_bench_events(db)
                bench = Bench(args, generator, admin, db, name)
                figures = await measure_all(bench, configs, url, facts, workdir)
                facts["rows at the end"] = (
                    f"events {await db.fetchval('SELECT count(*) FROM events')}, "
                    f"bench_events {await db.fetchval('SELECT count(*) FROM bench_events')}"
                )
                return figures, facts
            finally:
                await db.close()
        finally:
            if args.keep:
                print(f"kept database {name!r} (--keep)")
            else:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def measure_all(
    bench: Bench, configs: list[Config], url: str, facts: dict[str, str], workdir: Path
) -> list[Figure]:
    """For each configuration: start the service and the bare baseline, (the first time) add
    the bulk of facts, check that both answer alike, measure each case, stop both."""
    from service.settings import Settings

    args, db = bench.args, bench.db
    defaults = Settings()
    limit = defaults.default_page_size
    sql = await timeline_sql(limit)
    pool_sizes = (defaults.pool_min_size, defaults.pool_max_size)
    figures: list[Figure] = []
    agency = ""
    for index, config in enumerate(configs):
        print(f"\n== {config.label()} ==", flush=True)
        service = service_server(config, url, workdir)
        bare = bare_server(config, url, sql, limit, pool_sizes, workdir)
        try:
            await service.start()
            await bare.start()
            if index == 0:
                bulk = bulk_events(args.bulk, args.seed)
                seconds = await append_bulk(service.port, bulk)
                print(f"appended {len(bulk)} timeline facts through the API in {seconds:.1f} s")
            waited = await wait_for_projections(db, bench.projections, args.catch_up_timeout)
            if waited is None:
                raise RuntimeError("the projections did not catch up: a transaction held open?")
            print(
                f"projections caught up in {waited.seconds:.1f} s "
                f"(of which the feed was blocked by other transactions {waited.blocked:.1f} s)"
            )
            if index == 0:
                await db.execute("VACUUM (ANALYZE)")
                agency, entries = await busiest_agency(db)
                count = await db.fetchval("SELECT count(*) FROM events")
                facts["data"] = (
                    f"{count} events (the seed's and {args.bulk} generated facts); busiest agency "
                    f"{agency!r} with {entries} timeline entries; pages of {limit} (the default)"
                )
                print(facts["data"])
            sizes = await check_timeline(service, bare, agency, limit)
            facts["responses"] = (
                f"a timeline page is {sizes['service_bytes']:,} bytes from the service, "
                f"{sizes['bare_bytes']:,} from the bare handler: the same "
                f"{sizes['entries']} event ids in the same order"
            )
            print(facts["responses"])
            service_ms = await keepalive_latency(service.port)
            bare_ms = await keepalive_latency(bare.port)
            facts[f"keep-alive GET /health, {config.label()}"] = (
                f"service {service_ms:.2f} ms, bare {bare_ms:.2f} ms (median of 30 one after "
                "another on one connection)"
                + (": no TCP_NODELAY, ~40 ms a request" if max(service_ms, bare_ms) > 20 else "")
            )
            print(f"keep-alive GET /health: {facts[f'keep-alive GET /health, {config.label()}']}")
            path = f"/agencies/{agency}/timeline"
            if "get" in args.cases:
                figures.append(await bench.case(config, "GET timeline", service, bare, "get", path))
            if "post" in args.cases:
                bench.runs += 1
                await check_append(service, bare, bench.session, bench.runs)
                figures.append(await bench.case(config, "POST append", service, bare, "post", path))
        except Exception:
            for server in (service, bare):
                print(f"--- last lines of the {server.name}'s log ---\n{server.tail()}")
            raise
        finally:
            service.stop()
            bare.stop()
    return figures


# --------------------------------------------------------------------------------------------
# Report.
# --------------------------------------------------------------------------------------------


def rows_of(figures: list[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        targets = f.targets()
        loads = f.loads()
        drains = [r.drain_s for r in f.service if r.drain_s is not None]
        blocked = [r.drain.blocked for r in f.service if r.drain is not None]
        sustained = f.median("service", "rps_with_drain")
        rows.append([
            f.config.label(),
            f.case,
            f"{f.median('service', 'rps'):,.0f}",
            f"{f.median('bare', 'rps'):,.0f}",
            f"{f.ratio:.2f}x",
            "–".join(f"{r:.2f}" for r in (min(f.round_ratios()), max(f.round_ratios()))),
            f"{f.median('service', 'p50_ms'):.1f} / {f.median('service', 'p99_ms'):.1f}",
            f"{f.median('bare', 'p50_ms'):.1f} / {f.median('bare', 'p99_ms'):.1f}",
            "; ".join(f"{t}: {'met' if ok else 'missed'}" for t, ok in targets),
            f"{min(loads):.1f}–{max(loads):.1f}",
            f"{min(f.cpu()):.0%}–{max(f.cpu()):.0%} / {min(f.iowait()):.0%}–{max(f.iowait()):.0%}",
            f"{statistics.median(drains):.2f} (+{statistics.median(blocked):.2f} blocked)"
            if drains else "",
            f"{sustained:,.0f} ({sustained / f.median('bare', 'rps'):.2f}x)" if drains else "",
        ])  # fmt: skip
    return rows


HEADERS = [
    "configuration", "case", "service req/s", "bare req/s", "ratio", "per-round ratios",
    "service p50 / p99 ms", "bare p50 / p99 ms", "targets", "load (1 min)", "CPU busy / iowait",
    "projector drain s", "service req/s incl. drain",
]  # fmt: skip


def report(figures: list[Figure], facts: dict[str, str], args: argparse.Namespace) -> None:
    rows = rows_of(figures)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEADERS)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    errors = sum(f.errors for f in figures)
    if errors:
        print(f"\nWARNING: {errors} failed, timed out (10 s) or non-2xx requests in the rounds")
    print("\nper-round req/s (in the order run):")
    for f in figures:
        rounds = f.service + f.bare
        print(
            f"  {f.config.label()}, {f.case}: service "
            + ", ".join(f"{r.rps:,.0f}" for r in f.service)
            + "; bare "
            + ", ".join(f"{r.rps:,.0f}" for r in f.bare)
            + f"; other active DB sessions up to {max(r.other_sessions for r in rounds)}"
        )
    if args.markdown:
        print()
        for key, value in facts.items():
            print(f"- {key}: {value}")
        print()
        print("| " + " | ".join(HEADERS) + " |")
        print(
            "|" + "|".join("---:" if i in (2, 3, 4) else "---" for i in range(len(HEADERS))) + "|"
        )
        for row in rows:
            print("| " + " | ".join(row) + " |")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_ADMIN_URL,
        help="a database on the server to use (default $DATABASE_URL, else the local postgres)",
    )
    parser.add_argument("--database-name", default=DEFAULT_DATABASE)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per round and side")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per side")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per side (alternating order)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--bulk", type=int, default=3000, help="timeline facts appended first")
    parser.add_argument("--cases", default="get,post", help="get, post or both (default)")
    parser.add_argument(
        "--workers", type=lambda s: [int(n) for n in s.split(",")], help="e.g. 1,2 (default)"
    )
    parser.add_argument(
        "--projector", type=lambda s: s.split(","), help="e.g. inline,process (default)"
    )
    parser.add_argument(
        "--client", choices=("auto", "wrk", "python"), default="auto",
        help="load generator: wrk if installed (auto), or this module's asyncio client",
    )  # fmt: skip
    parser.add_argument(
        "--quiet", type=float, default=0.0, metavar="SHARE",
        help="before each configuration, wait until the CPUs were at most this busy for 5 s",
    )  # fmt: skip
    parser.add_argument("--quiet-timeout", type=float, default=900.0)
    parser.add_argument("--catch-up-timeout", type=float, default=600.0)
    parser.add_argument("--drain-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed")
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    if args.rounds < 1 or not set(args.cases) <= {"get", "post"}:
        parser.error("--rounds must be at least 1 and --cases get, post or get,post")
    return args


async def run_cancellable(
    args: argparse.Namespace, workdir: Path
) -> tuple[list[Figure], dict[str, str]]:
    """``run``, cancelled on SIGINT or SIGTERM so that its ``finally`` stops the servers and
    drops the database."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await run(args, workdir)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--load-generator"]:
        result = asyncio.run(python_load(LoadSpec(**json.loads(argv[1]))))
        print("BENCH_RESULT " + json.dumps(result), flush=True)
        return 0
    args = parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        try:
            figures, facts = asyncio.run(run_cancellable(args, Path(directory)))
        except (KeyboardInterrupt, asyncio.CancelledError):
            print("interrupted; servers stopped and the benchmark database dropped")
            return 130
    report(figures, facts, args)
    print(f"\ntotal time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
