"""Live delivery: append -> received over ``GET /events/live`` at 200 subscribers, against a
bare asyncpg LISTEN/NOTIFY round trip measured in the same run.

    python -m bench.live [--subscribers 200] [--appends 100] [--interval 0.1]

The API runs as deployed (uvicorn, ``service.app:app_from_environment``, one worker, no
projector in it, write rate limit off) on a fresh database of its own, dropped at the end.
``--subscribers`` raw-socket SSE clients in this process hold a stream each; then, one after
another, ``--appends`` single-event appends (``POST``, a new ``organization.registered``
stream each) go out ``--interval`` seconds apart. Latency of one (append, subscriber) pair:
from just before the POST is written to the moment that subscriber has read the event's
``data`` line; "fan-out" is the latency of the last subscriber to get an event. The baseline,
before and after: one asyncpg connection sends ``NOTIFY`` with a payload to another that
LISTENs, ``--appends`` times at the same interval (the database's own wake-up, the floor of
any LISTEN-based feed); and a transaction's commit until ``pg_snapshot_xmin`` passes it (the
floor of any gap-safe feed: other transactions anywhere on the server hold it back). Everything
shares one machine with whatever else runs on it: the
load average and the CPUs' busy share are printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx

from bench.common import (
    ROOT,
    benchmark_databases,
    busy_share,
    default_admin_url,
    load_average,
    machine_cpu,
    make_console,
    median,
    percentile,
    run_cancellable,
)
from service.http import tokens
from service.operations.http_protocol import HTTP_PROTOCOL

DATABASE = "pt_bench_live"
HOST = "127.0.0.1"
TOKEN = "pt_bench-live-0123456789abcdefghijklmnopqrstuvwxyz"
TARGET_P99_MS = 100.0
BODY = (
    '{"expected_version":"no_stream","events":[{"id":"%s","type":"organization.registered",'
    '"data":{"organization_id":"bench-%s","name_ko":"벤치","name_en":"Bench","kind":"company"}}]}'
)
DATA_PREFIX = b'data: {"event_id":"'


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


async def subscriber(port: int, arrivals: dict[str, list[float]], connected: asyncio.Event,
                     counter: list[int], total: int) -> None:
    """One SSE stream on a raw socket: each event's arrival time, by event id."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(b"GET /events/live HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    counter[0] += 1
    if counter[0] == total:
        connected.set()
    try:
        while line := await reader.readline():
            # Each SSE message is one HTTP chunk, so a data line is never split.
            if line.startswith(DATA_PREFIX):
                arrivals.setdefault(line[len(DATA_PREFIX):len(DATA_PREFIX) + 36].decode(), []).append(
                    time.perf_counter()
                )
    finally:
        writer.close()


async def service_run(url: str, subscribers: int, appends: int, interval: float) -> dict:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "POLICY_TIMELINE_PROJECTOR": "off",
        "POLICY_TIMELINE_WRITE_RATE_LIMIT": "0",
        "POLICY_TIMELINE_LIVE_MAX_SUBSCRIBERS": str(subscribers + 10),
        "POLICY_TIMELINE_LOG_LEVEL": "warning",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.app:app_from_environment", "--factory",
         "--host", HOST, "--port", str(port), "--http", HTTP_PROTOCOL,
         "--log-level", "warning", "--no-access-log",
         "--timeout-graceful-shutdown", "2"],
        cwd=ROOT, env=environment,
    )  # fmt: skip
    tasks: list[asyncio.Task] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}") as http:
            for _ in range(200):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            arrivals: dict[str, list[float]] = {}
            connected, counter = asyncio.Event(), [0]
            tasks = [
                asyncio.create_task(subscriber(port, arrivals, connected, counter, subscribers))
                for _ in range(subscribers)
            ]
            await asyncio.wait_for(connected.wait(), 60)
            await asyncio.sleep(1)
            sent: dict[str, float] = {}
            post_ms: list[float] = []
            headers = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
            cpu = machine_cpu()
            for _ in range(appends):
                event_id = str(uuid.uuid4())
                body = BODY % (event_id, event_id[:8])
                sent[event_id] = time.perf_counter()
                response = await http.post(
                    f"/streams/organization-bench-{event_id[:8]}/events", content=body, headers=headers
                )
                post_ms.append((time.perf_counter() - sent[event_id]) * 1000)
                assert response.status_code == 201, response.text
                await asyncio.sleep(interval)
            deadline = time.perf_counter() + 15
            while time.perf_counter() < deadline and any(
                len(arrivals.get(event_id, ())) < subscribers for event_id in sent
            ):
                await asyncio.sleep(0.1)
            busy = busy_share(cpu, machine_cpu())
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        server.terminate()
        server.wait(timeout=30)
    latencies = [
        (arrived - sent[event_id]) * 1000 for event_id in sent for arrived in arrivals.get(event_id, ())
    ]
    fan_out = [
        (max(arrivals[event_id]) - sent[event_id]) * 1000 for event_id in sent if event_id in arrivals
    ]
    missing = sum(subscribers - len(arrivals.get(event_id, ())) for event_id in sent)
    return {"latencies": latencies, "fan_out": fan_out, "post_ms": post_ms, "missing": missing,
            "busy": busy}


async def notify_baseline(url: str, count: int, interval: float) -> list[float]:
    """Milliseconds from NOTIFY to the listener's callback."""
    listener, notifier = await asyncpg.connect(url), await asyncpg.connect(url)
    received: dict[str, float] = {}
    got = asyncio.Event()

    def on_notification(_connection, _pid, _channel, payload: str) -> None:
        received[payload] = time.perf_counter()
        got.set()

    await listener.add_listener("bench_live", on_notification)
    latencies = []
    try:
        for n in range(count):
            got.clear()
            started = time.perf_counter()
            await notifier.execute(f"NOTIFY bench_live, '{n}'")
            await asyncio.wait_for(got.wait(), 10)
            latencies.append((received[str(n)] - started) * 1000)
            await asyncio.sleep(interval)
    finally:
        await listener.close()
        await notifier.close()
    return latencies


async def readable_baseline(url: str, count: int, interval: float) -> list[float]:
    """Milliseconds from a transaction's commit until the gap-safe bound passes it (polled
    every millisecond): how long the server's other transactions keep a new event unreadable,
    the floor of any gap-safe feed on this server at this moment."""
    writer, reader = await asyncpg.connect(url), await asyncpg.connect(url)
    latencies = []
    try:
        for _ in range(count):
            xid = await writer.fetchval("SELECT pg_current_xact_id()::text::bigint")
            committed = time.perf_counter()
            while not await reader.fetchval(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > $1", xid
            ):
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - committed) * 1000)
            await asyncio.sleep(interval)
    finally:
        await writer.close()
        await reader.close()
    return latencies


def row(name: str, values: list[float]) -> str:
    within = sum(value <= TARGET_P99_MS for value in values) / len(values) if values else float("nan")
    return (f"| {name} | {len(values)} | {median(values):.1f} | {percentile(values, 0.99):.1f} "
            f"| {max(values, default=float('nan')):.1f} | {within:.1%} |")


async def main(arguments: argparse.Namespace) -> None:
    console = make_console()
    async with benchmark_databases(arguments.admin_url, keep=False, console=console) as databases:
        url = await databases.create(DATABASE)
        connection = await asyncpg.connect(url)
        try:
            await tokens.create(connection, "bench-live", ["append"], TOKEN)
        finally:
            await connection.close()
        load_before = load_average()
        before = await notify_baseline(url, arguments.appends, arguments.interval)
        readable_before = await readable_baseline(url, arguments.appends, arguments.interval)
        service = await service_run(url, arguments.subscribers, arguments.appends, arguments.interval)
        after = await notify_baseline(url, arguments.appends, arguments.interval)
        readable_after = await readable_baseline(url, arguments.appends, arguments.interval)
        load_after = load_average()
    console.print(f"{arguments.subscribers} subscribers, {arguments.appends} appends "
                  f"{arguments.interval:g} s apart; load average {load_before} -> {load_after}; "
                  f"CPUs busy during the service run {service['busy']:.0%}; "
                  f"events not received: {service['missing']}")
    lines = [
        "| path | samples | median ms | p99 ms | max ms | within 100 ms |", "|---|---|---|---|---|---|",
        row("baseline: asyncpg NOTIFY -> LISTEN callback (before)", before),
        row("baseline: asyncpg NOTIFY -> LISTEN callback (after)", after),
        row("baseline: commit -> readable by the gap-safe bound (before)", readable_before),
        row("baseline: commit -> readable by the gap-safe bound (after)", readable_after),
        row("service: POST append answered", service["post_ms"]),
        row("service: append -> received, every subscriber", service["latencies"]),
        row("service: append -> received by the last subscriber", service["fan_out"]),
    ]
    console.print("\n".join(lines), markup=False)
    p99 = percentile(service["latencies"], 0.99)
    verdict = "met" if p99 <= TARGET_P99_MS and not service["missing"] else "missed"
    console.print(f"target p99 <= {TARGET_P99_MS:g} ms: {verdict} ({p99:.1f} ms)")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", default=default_admin_url())
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--appends", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.1)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse()
    asyncio.run(run_cancellable(lambda: main(arguments)))
