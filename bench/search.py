"""Search at scale: EXPLAIN (ANALYZE, BUFFERS) of ``q`` on ``GET /statements`` over a generated
log, for a two- and a four-character Korean query: the bitmap plan with the bigram index
(``search_bigrams(search_text)``, migration 0009), the walk (the first ``WALK_ROWS``
statements in order, each checked), and against them pg_trgm's ``gin_trgm_ops`` on the same
column and no search index.

    python -m bench.search --events 100000 [--keep] > plans.txt

Then the latency of search pages (the timeline's and ``GET /statements``'s, with ``q``) beside
the same timeline's first page without ``q``, p50 and p99 (issue 9: search p99 at 1M events
within 2x a timeline page).

It builds a database on ``DATABASE_URL``'s server (``bench.replay``'s generator, COPY), folds
it with a rebuild, ANALYZEs, then prints each plan. pg_trgm is created in the benchmark's
database only, for the comparison (the service does not use it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import asyncpg

from bench import common
from bench.replay.build import build_database
from service import database
from service.projections.rebuild import rebuild
from service.queries.common import Query
from service.queries.paging import order_by
from service.queries.search import WALK_ROWS, Walk, matches, searched
from service.read_models import PROJECTIONS
from service.read_models.search import normalized

NAME = "pt_bench_search"


def page_sql(q: str, limit: int = 20) -> tuple[str, list]:
    """The statements list's query for ``q`` (service/queries/statements.py), first page."""
    query = Query()
    sql = f"""SELECT s.event_id FROM statements AS s
        WHERE {query.known("s")} AND {matches("s", normalized(q), query)}
        ORDER BY {order_by("s")} LIMIT {query.param(limit + 1)}"""
    return sql, query.arguments


def walk_sql(q: str, limit: int = 20) -> tuple[str, list]:
    """The statements list's first walk for ``q`` (``search_rows``), as the service sends it."""
    query = Query()
    source, conditions, columns = searched(
        "statements", "s", [query.known("s")], normalized(q), Walk(WALK_ROWS), query
    )
    sql = f"""SELECT s.event_id{columns} FROM {source} WHERE {" AND ".join(conditions)}
        ORDER BY {order_by("s")} LIMIT {query.param(limit + 1)}"""
    return sql, query.arguments


TRIGRAM_SQL = """SELECT s.event_id FROM statements AS s
    WHERE s.known_until IS NULL AND s.search_text LIKE $1
    ORDER BY s.earliest, s.precision_rank, s.position LIMIT 21"""

CONTAINING = """SELECT count(*) FROM statements AS s
    WHERE s.known_until IS NULL AND strpos(s.search_text, $1) > 0"""


async def explain(connection: asyncpg.Connection, sql: str, *arguments) -> str:
    rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *arguments)
    return "\n".join(row[0] for row in rows)


async def plans(url: str, queries: list[str]) -> None:
    connection = await asyncpg.connect(url)
    try:
        total = await connection.fetchval("SELECT count(*) FROM statements")
        size = await connection.fetchval("SELECT pg_relation_size('statements_search')")
        print(f"statements rows: {total:,}; bigram index: {size / 2**20:.1f} MiB")
        for q in queries:
            found = await connection.fetchval(CONTAINING, normalized(q))
            print(f"\n=== q={q!r} ({len(q)} characters): {found:,} rows contain it")
            print("--- the walk: statements in order, each checked (strpos)")
            print(await explain(connection, *_flat(walk_sql(q))))
            print("--- the bitmap: bigram GIN (search_bigrams(search_text) @> bigrams(q),"
                  " strpos recheck)")
            print(await explain(connection, *_flat(page_sql(q))))
        # The alternatives, in a transaction that is rolled back: the service's tables and
        # indexes stay as they were.
        transaction = connection.transaction()
        await transaction.start()
        try:
            await connection.execute("DROP INDEX statements_search")
            for q in queries:
                print(f"\n=== q={q!r}, no search index (the order index, filtering every row)")
                print(await explain(connection, *_flat(page_sql(q))))
            await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            await connection.execute(
                "CREATE INDEX statements_trgm ON statements USING gin (search_text gin_trgm_ops)"
            )
            await connection.execute("ANALYZE statements")
            trgm = await connection.fetchval("SELECT pg_relation_size('statements_trgm')")
            print(f"\npg_trgm GIN index on search_text: {trgm / 2**20:.1f} MiB")
            for q in queries:
                pattern = f"%{normalized(q)}%"
                print(f"\n=== q={q!r}, pg_trgm (search_text LIKE '%q%'), as planned")
                print(await explain(connection, TRIGRAM_SQL, pattern))
                await connection.execute("SET LOCAL enable_seqscan = off")
                await connection.execute("SET LOCAL enable_indexscan = off")
                print(f"\n=== q={q!r}, pg_trgm, its index forced (no sequential scan)")
                print(await explain(connection, TRIGRAM_SQL, pattern))
                await connection.execute("RESET enable_seqscan")
                await connection.execute("RESET enable_indexscan")
        finally:
            await transaction.rollback()
    finally:
        await connection.close()


async def latencies(url: str, queries: list[str], rounds: int) -> None:
    """p50/p99 of search pages beside the same timeline's first page without ``q`` (the
    baseline), on one connection with the service's session settings, alternating by round."""
    from bench.replay.pages import _busiest_agency
    from service.queries.statements import statement_page
    from service.queries.timeline import timeline_page

    connection = await asyncpg.connect(url, server_settings=database.SESSION)
    try:
        agency_id, entries = await _busiest_agency(connection)
        cases = {"timeline page (baseline)": lambda: timeline_page(connection, agency_id, limit=50)}
        for q in queries:
            text = normalized(q)
            cases[f"timeline q={q}"] = lambda t=text: timeline_page(connection, agency_id, q=t, limit=50)
            cases[f"statements q={q}"] = lambda t=text: statement_page(connection, q=t, limit=50)
        timings: dict[str, list[float]] = {name: [] for name in cases}
        for round_ in range(rounds + 20):
            for name, page in cases.items():
                start = time.perf_counter()
                await page()
                if round_ >= 20:  # warm-up rounds are not kept
                    timings[name].append((time.perf_counter() - start) * 1000)
        base = _p99(timings["timeline page (baseline)"])
        print(f"\nlatency, {rounds} rounds, agency {agency_id} ({entries:,} entries), 50 a page")
        print("| page | p50 ms | p99 ms | p99 / timeline page p99 |\n|---|---:|---:|---:|")
        for name, values in timings.items():
            print(f"| {name} | {statistics.median(values):.2f} | {_p99(values):.2f} "
                  f"| {_p99(values) / base:.2f}x |")
    finally:
        await connection.close()


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _flat(pair: tuple[str, list]) -> tuple:
    sql, arguments = pair
    return (sql, *arguments)


async def main(args: argparse.Namespace) -> None:
    admin_url = os.environ.get("DATABASE_URL") or common.default_admin_url()
    console = common.make_console()
    async with common.benchmark_databases(admin_url, keep=args.keep, console=console) as dbs:
        url = database.with_database(admin_url, NAME)
        if not args.reuse:
            await dbs.create(NAME)  # migrated
            with common.make_progress(console) as progress:
                await build_database(url, NAME, "log", args.events, args.seed, progress, check="none")
            started = time.perf_counter()
            await rebuild(url, PROJECTIONS)
            print(f"rebuild of every projection: {time.perf_counter() - started:.1f} s")
            connection = await asyncpg.connect(url)
            await connection.execute("VACUUM (ANALYZE) statements")
            await connection.close()
        if not args.latency_only:
            await plans(url, args.q)
        await latencies(url, args.q, args.rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20251127)
    parser.add_argument("--q", nargs="+", default=["가명", "오픈소스"])
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="use a kept database as it is")
    parser.add_argument("--rounds", type=int, default=200, help="timed rounds of each page")
    parser.add_argument("--latency-only", action="store_true", help="skip the plans")
    asyncio.run(main(parser.parse_args()))
