"""a'. The bare-SQL ceiling of a rebuild, measured in the same run on the same database.

What a rebuild cannot beat by much, written in plain SQL: read the log (the raw cursor read,
``common.raw_read``, already measured in the same run), write the rebuild's own output rows
into bare tables with COPY, and build the indexes and constraints the live tables have.

Generic, from the catalog, whatever the migrated schema holds:

- the tables: every table of ``public`` that the rebuild replaced (its ``oid`` or
  ``relfilenode`` changed between a snapshot taken before the rebuild and one after it),
  largest first;
- for each, its columns that are not generated (``attgenerated``), which ``COPY (SELECT …)
  TO STDOUT (FORMAT binary)`` writes into a temporary file before the clock starts (not timed);
- bare tables ``CREATE TABLE pt_bench_ceiling.t (LIKE public.t INCLUDING DEFAULTS INCLUDING
  GENERATED INCLUDING STORAGE INCLUDING CONSTRAINTS)``, as the rebuild makes its copies: no
  indexes; CHECK constraints and generated columns computed during the COPY, as in the
  rebuild (not timed);
- the statements, read with ``search_path = pg_catalog`` so that every name in them is
  qualified: ``ALTER TABLE … ADD CONSTRAINT name pg_get_constraintdef(…)`` for the primary
  key, unique and exclusion constraints (``pg_constraint``), ``pg_get_indexdef`` of every other
  index (``pg_index``), each aimed at the bare table.

After a CHECKPOINT (so that the pages the rebuild left dirty are not written on the ceiling's
time), timed: COPY FROM the files into the bare tables, then every index and constraint statement;
both spread over ``connections`` connections (largest table first, each connection taking the
next table or statement when it is free). The ceiling's time is the median raw read of the log
in this run + the COPY phase + the index phase (their wall times). Not in it: ANALYZE (the
rebuild runs it), the swap, any fold; foreign keys (the engine refuses to rebuild a table that
has one). The files take about the rebuilt tables' size on disk; the bare schema and the files
are dropped after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field

import asyncpg
from rich.progress import Progress

SCHEMA = "pt_bench_ceiling"

_RELATIONS = """SELECT c.relname, c.oid::bigint, c.relfilenode::bigint
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""

_COLUMNS = """SELECT attname FROM pg_attribute
    WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped
      AND attgenerated = ''
    ORDER BY attnum"""

_CONSTRAINTS = """SELECT conname, format('ALTER TABLE %s ADD CONSTRAINT %I %s', $2::text, conname,
                                      pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = $1::text::regclass AND contype IN ('p', 'u', 'x')
    ORDER BY contype, conname"""

_INDEXES = r"""SELECT ci.relname, regexp_replace(pg_get_indexdef(i.indexrelid),
                                     ' ON (ONLY )?\S+ ', ' ON ' || $2::text || ' ')
    FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
    WHERE i.indrelid = $1::text::regclass
      AND NOT EXISTS (SELECT FROM pg_constraint c
                      WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
    ORDER BY ci.relname"""


async def relations(url: str) -> dict[str, tuple[int, int]]:
    """Every table of ``public``: name -> (oid, relfilenode); taken before and after the
    rebuild, it says which tables the rebuild replaced."""
    connection = await asyncpg.connect(url)
    try:
        return {row[0]: (row[1], row[2]) for row in await connection.fetch(_RELATIONS)}
    finally:
        await connection.close()


@dataclass
class CeilingTable:
    name: str
    rows: int
    bytes: int
    """Size of its binary COPY."""
    copy_seconds: float = 0.0
    statements: list[tuple[str, str, float]] = field(default_factory=list)
    """(kind: constraint or index, name, seconds)."""

    @property
    def index_seconds(self) -> float:
        return sum(seconds for _, _, seconds in self.statements)


@dataclass
class CeilingFigure:
    label: str
    database: str
    events: int
    raw_seconds: float
    """The median raw read of the log in this run (its part of the ceiling)."""
    copy_seconds: float
    """Wall time of the COPY phase."""
    index_seconds: float
    """Wall time of the index and constraint phase."""
    connections: int
    tables: list[CeilingTable]
    dump_seconds: float
    """Not in the ceiling: writing the rebuilt rows to files before the clock starts."""
    load_before: str = ""

    @property
    def seconds(self) -> float:
        return self.raw_seconds + self.copy_seconds + self.index_seconds

    @property
    def rate(self) -> float:
        return self.events / self.seconds


async def measure_ceiling(
    url: str, database: str, label: str, events: int, raw_seconds: float,
    before: dict[str, tuple[int, int]], progress: Progress, *, connections: int = 2,
    load: str = "",
) -> CeilingFigure:
    """COPY the rebuilt tables' rows into bare tables, then build their indexes and
    constraints, timed; see the module's docstring."""
    after = await relations(url)
    names = sorted(name for name, ids in after.items() if before.get(name) != ids)
    if not names:
        raise SystemExit(f"ceiling {label}: the rebuild replaced no table of public")
    workdir = tempfile.mkdtemp(prefix="pt-bench-ceiling-")
    main = await asyncpg.connect(url)
    pool = None
    try:
        await main.execute("SET search_path = pg_catalog")
        sizes = {n: await main.fetchval("SELECT pg_table_size($1::text::regclass)",
                                        f"public.{_quote(n)}") for n in names}
        names.sort(key=lambda n: -sizes[n])
        columns: dict[str, list[str]] = {}
        statements: list[tuple[str, str, str, str]] = []  # table, kind, name, SQL
        for name in names:
            live, bare = f"public.{_quote(name)}", f"{SCHEMA}.{_quote(name)}"
            columns[name] = [row[0] for row in await main.fetch(_COLUMNS, live)]
            for kind, query in (("constraint", _CONSTRAINTS), ("index", _INDEXES)):
                for index_name, sql in await main.fetch(query, live, bare):
                    statements.append((name, kind, index_name, sql))
        await main.execute("RESET search_path")

        # Not timed: the rebuilt rows into files, the bare tables.
        dump_task = progress.add_task(f"ceiling {label}: COPY TO files", total=len(names))
        started = time.perf_counter()
        tables: dict[str, CeilingTable] = {}
        for name in names:
            path = os.path.join(workdir, name)
            result = await main.copy_from_query(
                f"SELECT {', '.join(map(_quote, columns[name]))} FROM public.{_quote(name)}",
                output=path, format="binary",
            )
            tables[name] = CeilingTable(name, int(result.split()[-1]), os.path.getsize(path))
            progress.advance(dump_task)
        dump_seconds = time.perf_counter() - started
        await main.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        await main.execute(f"CREATE SCHEMA {SCHEMA}")
        for name in names:
            await main.execute(
                f"CREATE TABLE {SCHEMA}.{_quote(name)} (LIKE public.{_quote(name)} "
                "INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING CONSTRAINTS)"
            )
        pool = await asyncpg.create_pool(
            url, min_size=connections, max_size=connections,
            server_settings={"application_name": "bench ceiling"},
        )
        await main.execute("CHECKPOINT")

        # Timed: COPY FROM the files, then the indexes and constraints.
        task = progress.add_task(f"ceiling {label}: COPY, indexes", total=len(names) + len(statements))

        async def copy(name: str, connection: asyncpg.Connection) -> None:
            begun = time.perf_counter()
            await connection.copy_to_table(
                name, source=os.path.join(workdir, name), schema_name=SCHEMA,
                columns=columns[name], format="binary",
            )
            tables[name].copy_seconds = time.perf_counter() - begun
            progress.advance(task)

        async def build(item: tuple[str, str, str, str], connection: asyncpg.Connection) -> None:
            name, kind, index_name, sql = item
            begun = time.perf_counter()
            await connection.execute(sql)
            tables[name].statements.append((kind, index_name, time.perf_counter() - begun))
            progress.advance(task)

        copy_seconds = await _spread(pool, connections, names, copy)
        index_seconds = await _spread(pool, connections, statements, build)
        return CeilingFigure(
            label, database, events, raw_seconds, copy_seconds, index_seconds, connections,
            [tables[n] for n in names], dump_seconds, load,
        )
    finally:
        if pool is not None:
            await pool.close()
        try:
            await main.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        finally:
            await main.close()
            shutil.rmtree(workdir, ignore_errors=True)


async def _spread(pool: asyncpg.Pool, connections: int, items: list, work) -> float:
    """Each of ``connections`` workers takes the next item when it is free; wall seconds."""
    queue = list(items)
    started = time.perf_counter()

    async def worker() -> None:
        async with pool.acquire() as connection:
            while queue:
                await work(queue.pop(0), connection)

    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
