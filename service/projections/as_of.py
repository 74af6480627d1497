"""Read models as they were known at an instant, folded from the log into temporary tables.

``fold_as_of`` creates a temporary copy of each table of the given projections, folds into
them every event recorded up to the instant through the projections' own handlers, and puts
``pg_temp`` first in ``search_path``: inside the block, the caller's queries name the tables
as usual and read the past. On the way out the copies are dropped and the path restored.

The cost is a fold of the whole log up to that instant on every call (proportional to the
number of events, not to the answer). The fold runs in bounded steps, each its own short
transaction: one long transaction would hold back the gap-safe feed of every reader in the
cluster, so the tables are session-level temporaries, dropped explicitly, rather than
``ON COMMIT DROP`` ones inside a single transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg

from service.projections.base import Projection
from service.projections.folding import fold, send
from service.projections.identifiers import quote
from service.projections.runner import DEFAULT_BATCH_SIZE
from service.store import START, read_all_on

log = logging.getLogger(__name__)


@asynccontextmanager
async def fold_as_of(
    connection: asyncpg.Connection,
    projections: Sequence[Projection],
    as_of: datetime,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> AsyncIterator[asyncpg.Connection]:
    """``async with fold_as_of(connection, [timeline], instant) as past: await past.fetch(...)``

    ``as_of`` must be timezone-aware. Pass every projection whose tables the handlers read,
    not only the one queried: the others would otherwise be read as they are now.
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    tables = list(dict.fromkeys(table for projection in projections for table in projection.tables))
    search_path = await connection.fetchval("SELECT current_setting('search_path')")
    try:
        async with connection.transaction():
            for table in tables:
                await connection.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(table)}")
                await connection.execute(
                    f"CREATE TEMPORARY TABLE {quote(table)} (LIKE public.{quote(table)} INCLUDING ALL)"
                )
        await connection.execute("SET search_path = pg_temp, public")
        cursor = START
        while True:
            async with connection.transaction():
                # A pooled connection: plan for the temporary tables as they are now (see
                # connections.FOLDING_SESSION).
                await connection.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                batch = await read_all_on(connection, cursor, batch_size, recorded_up_to=as_of)
                await send(connection, fold(projections, batch).ops)
            if len(batch) < batch_size:
                break
            cursor = batch[-1].cursor
        yield connection
    finally:
        await _drop(connection, tables, search_path)


async def _drop(connection: asyncpg.Connection, tables: list[str], search_path: str) -> None:
    # Temporary tables left on a pooled connection would shadow the live tables for the next
    # user of that connection (pg_temp is searched first): if they cannot be dropped, the
    # connection is closed instead, and the pool replaces it.
    try:
        for table in tables:
            await connection.execute(f"DROP TABLE IF EXISTS pg_temp.{quote(table)}")
        await connection.execute("SELECT set_config('search_path', $1, false)", search_path)
    except asyncio.CancelledError:
        connection.terminate()
        raise
    except Exception:
        log.warning("could not drop the as_of tables; closing the connection", exc_info=True)
        connection.terminate()
