"""A 1,000-entry CSV export of a timeline against a bare asyncpg + csv module baseline.

    python -m bench.exports [--entries 1000] [--rounds 15] [--markdown]

A fresh database (created, migrated, dropped at the end) gets the seed article and then
generated MSS meetings, appended through the service's ``Appender`` (every check) and folded
by the projection runner, until the MSS timeline has ``--entries`` entries. Then, through one
in-process ASGI client (``litestar.testing.AsyncTestClient``, no sockets), alternating:

- service: ``GET /agencies/mss/timeline?format=csv`` on ``create_app`` (the handler, the
  timeline query, decoding each fact with the vocabulary, CSV rendering, streaming);
- bare: a one-route Litestar app whose handler runs one SQL query that selects the same rows
  with the CSV's columns taken out of the JSON by PostgreSQL, and writes them with the csv
  module (BOM included) into one body;
- and, for scale, the service's JSON page of the same entries (``limit=1000``).

Checked before measuring: both CSVs are the same bytes (the data has no initiative status
changes, whose titles the bare SQL does not look up), with one row per timeline entry. Reported: median milliseconds per request of each side over ``--rounds``,
the ratio of medians, and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import logging
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar, Response, get
from litestar.testing import AsyncTestClient

from bench.common import (
    benchmark_databases,
    default_admin_url,
    git_state,
    load_average,
    make_console,
    server_facts,
)
from bench.http import KOREAN_TITLES, MEETING_KINDS, _occurred
from events import PRECISION_RANK

DATABASE = "pt_bench_exports"

BARE_SQL = """
SELECT f.fact -> 'occurred' ->> 'date' AS date, e.precision_rank,
       coalesce((f.fact -> 'occurred' ->> 'approximate')::boolean, false) AS approximate,
       f.fact -> 'occurred' ->> 'original' AS original, f.type, f.state,
       coalesce(f.fact ->> 'title_ko', f.fact ->> 'text') AS title_ko,
       coalesce(f.fact ->> 'title_en', f.fact ->> 'text_en') AS title_en,
       f.fact ->> 'summary_ko' AS summary_ko, f.fact ->> 'summary_en' AS summary_en,
       (SELECT string_agg(q ->> 'quote', E'\\n\\n') FROM jsonb_array_elements(f.fact -> 'evidence') q) AS quotes,
       (SELECT string_agg(DISTINCT q ->> 'source_id', ' ') FROM jsonb_array_elements(f.fact -> 'evidence') q) AS sources,
       f.event_id, f.recorded_at
FROM timeline_entries e
JOIN facts f ON f.event_id = e.event_id AND f.known_until IS NULL
WHERE e.agency_id = $1 AND e.known_until IS NULL
ORDER BY e.earliest, e.precision_rank, e.position
LIMIT $2"""

PRECISIONS = {rank: precision for precision, rank in PRECISION_RANK.items()}


def meetings(count: int, seed: int = 9) -> list[tuple[str, dict[str, Any]]]:
    from events.seed import ARTICLE_TEXT, SOURCE_ID

    rng = random.Random(seed)
    quotes = [line.strip() for line in ARTICLE_TEXT.splitlines() if len(line.strip()) > 20]
    facts = []
    for i in range(count):
        meeting_id = f"bench-export-meeting-{i}"
        facts.append((f"meeting-{meeting_id}", {
            "meeting_id": meeting_id,
            "organiser": "mss",
            "title_ko": f"{rng.choice(KOREAN_TITLES)} {i}",
            "title_en": f"Benchmark meeting {i}",
            "kind": rng.choice(MEETING_KINDS),
            "summary_ko": "참석자들은 AI 인재 양성과 데이터 접근성 개선 방안을 논의했다.",
            "summary_en": "Participants discussed training AI talent and access to data.",
            "occurred": _occurred(rng),
            "evidence": [{"source_id": SOURCE_ID, "quote": rng.choice(quotes)}],
        }))
    return facts


async def fill(url: str, entries: int) -> int:
    from service.projections.runner import apply_next_batch
    from service.read_models import PROJECTIONS
    from service.store import PostgresEventStore
    from service.writing import AppendCommand, Appender, ProposedEvent
    from service.writing.seeding import seed

    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    try:
        appender = Appender(PostgresEventStore(pool, notify_channel="bench_exports"), pool)
        await seed(appender)
        for stream_id, data in meetings(entries - 7):  # the seed gives MSS 7 entries
            await appender.append(AppendCommand(
                stream_id=stream_id, expected_version="no_stream", appended_by="bench",
                events=[ProposedEvent(id=uuid.uuid4(), type="meeting.held", data=data)],
            ))
        async with pool.acquire() as connection:
            # Until every checkpoint is at the last position: a transaction elsewhere on the
            # server can hold the gap-safe feed back, so an empty batch is no proof of the end.
            last = await connection.fetchval("SELECT max(position) FROM events")
            while await connection.fetchval(
                "SELECT coalesce(min(position), 0) FROM projection_checkpoints"
                " WHERE name = ANY ($1::text[])",
                [projection.name for projection in PROJECTIONS],
            ) < last:
                if not await apply_next_batch(connection, PROJECTIONS, 1000):
                    await asyncio.sleep(0.1)
            await connection.execute("ANALYZE")
            return await connection.fetchval(
                "SELECT count(*) FROM timeline_entries WHERE agency_id = 'mss' AND known_until IS NULL"
            )
    finally:
        await pool.close()


def bare_app(url: str, limit: int) -> Litestar:
    pools: list[asyncpg.Pool] = []

    async def start(app: Litestar) -> None:
        pools.append(await asyncpg.create_pool(url, min_size=1, max_size=2))

    async def stop(app: Litestar) -> None:
        await pools[0].close()

    @get("/agencies/{agency_id:str}/timeline")
    async def timeline(agency_id: str) -> Response[bytes]:
        rows = await pools[0].fetch(BARE_SQL, agency_id, limit)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(("date", "precision", "approximate", "original_words", "type", "state",
                         "title_ko", "title_en", "summary_ko", "summary_en", "evidence_quotes",
                         "source_ids", "event_id", "recorded_at"))
        for r in rows:
            writer.writerow((r["date"], PRECISIONS[r["precision_rank"]], "true" if r["approximate"] else "false",
                             r["original"] or "", r["type"], r["state"], r["title_ko"] or "",
                             r["title_en"] or "", r["summary_ko"] or "", r["summary_en"] or "",
                             r["quotes"], r["sources"], str(r["event_id"]), r["recorded_at"].isoformat()))
        return Response(buffer.getvalue().encode(), media_type="text/csv")

    return Litestar([timeline], on_startup=[start], on_shutdown=[stop], openapi_config=None)


def event_ids(content: bytes) -> list[str]:
    return [row["event_id"] for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]


async def timed(client: AsyncTestClient, path: str, params: dict[str, Any]) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = await client.get(path, params=params)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path} {params}: {response.status_code} {response.text[:300]}")
    return elapsed, response.content


async def run(args: argparse.Namespace) -> None:
    from service.app import create_app
    from service.settings import Settings

    logging.getLogger("httpx").setLevel(logging.WARNING)
    console = make_console()
    async with benchmark_databases(args.admin_url, keep=False, console=console) as databases:
        url = await databases.create(DATABASE)
        count = await fill(url, args.entries)
        settings = Settings(database_url=url, seed_on_start=False, run_projector=False)
        path, csv_params = "/agencies/mss/timeline", {"format": "csv"}
        json_params = {"limit": args.entries}
        async with (
            AsyncTestClient(create_app(settings, url)) as service,
            AsyncTestClient(bare_app(url, args.entries)) as bare,
        ):
            _, ours = await timed(service, path, csv_params)
            _, theirs = await timed(bare, path, {})
            if args.dump:
                for name, body in (("service", ours), ("bare", theirs)):
                    (args.dump / f"{name}.csv").write_bytes(body)
            if ours != theirs or len(event_ids(ours)) != count:
                raise SystemExit("the service's and the baseline's CSVs differ (see --dump)")
            times: dict[str, list[float]] = {"service CSV": [], "bare CSV": [], "service JSON page": []}
            loads = [load_average()]
            for number in range(args.rounds):
                order = [("service CSV", service, csv_params), ("bare CSV", bare, {})]
                for name, client, params in order if number % 2 == 0 else reversed(order):
                    times[name].append((await timed(client, path, params))[0])
                times["service JSON page"].append((await timed(service, path, json_params))[0])
            loads.append(load_average())
        connection = await asyncpg.connect(url)
        try:
            facts = await server_facts(connection)
        finally:
            await connection.close()
    service_ms = statistics.median(times["service CSV"]) * 1000
    bare_ms = statistics.median(times["bare CSV"]) * 1000
    rows = [
        ("service CSV", service_ms, len(ours)),
        ("bare CSV (asyncpg + csv)", bare_ms, len(theirs)),
        ("service JSON page", statistics.median(times["service JSON page"]) * 1000, None),
    ]
    console.print(f"{count} entries, {args.rounds} rounds, code {git_state()}, load {' → '.join(loads)}")
    console.print(f"server: {facts['server']}; client: {facts['client']}")
    if args.markdown:
        console.print("| figure | median ms | body bytes |\n|---|---|---|")
        for name, ms, size in rows:
            console.print(f"| {name} | {ms:.1f} | {size or ''} |")
    else:
        for name, ms, size in rows:
            console.print(f"{name:<28} {ms:8.1f} ms  {size or ''}")
    console.print(f"service / bare: {service_ms / bare_ms:.2f}x the baseline's time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--dump", type=Path, help="a folder to write both CSVs into")
    parser.add_argument("--admin-url", default=default_admin_url())
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
