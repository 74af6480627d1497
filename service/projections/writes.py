"""Writing folded versions: set-based, a few statements per table whatever the batch size.

Live tables: one UPDATE closes the current rows of every fact derived again (over arrays), then
one COPY adds the new versions. A rebuild's fresh tables have no indexes while they fill, so
its closes are kept and applied once at the end (``apply_closes``), before the indexes are
built.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime

import asyncpg

from service.projections.fold import Versions
from service.projections.identifiers import quote

# Each fact has at most one close per buffer (the first event that replaced its written rows),
# and its rows of this buffer are not written yet: close every current row of it.
_CLOSE_CURRENT = """UPDATE {table} AS t SET known_until = c.at
    FROM unnest($1::uuid[], $2::timestamptz[]) AS c (event_id, at)
    WHERE t.event_id = c.event_id AND t.known_until IS NULL"""


async def write_live(
    connection: asyncpg.Connection, versions: Mapping[str, Versions], schema: str = "public"
) -> None:
    """Close replaced rows and add new versions in the tables of ``schema``."""
    for table in versions.values():
        if table.closes:
            ids = list(table.closes)
            await connection.execute(
                _CLOSE_CURRENT.format(table=f"{quote(schema)}.{quote(table.table)}"),
                ids,
                [table.closes[event_id][1] for event_id in ids],
            )
        await copy_rows(connection, table, schema)


async def copy_rows(connection: asyncpg.Connection, table: Versions, schema: str) -> None:
    if table.rows:
        await connection.copy_records_to_table(
            table.table, records=table.rows, columns=table.columns, schema_name=schema
        )


Close = tuple[uuid.UUID, int, datetime]
"""(fact, position of the event that replaced its rows, its recorded_at)."""


# A fact may be derived again several times over a rebuild: each written row is closed by the
# first replacing event after the one that made it.
_APPLY_CLOSES = """UPDATE {table} AS t SET known_until = c.at
    FROM pg_temp.rebuild_closes AS c
    WHERE t.event_id = c.event_id AND t.known_until IS NULL AND t.made_by < c.before
      AND NOT EXISTS (SELECT FROM pg_temp.rebuild_closes AS earlier
                      WHERE earlier.event_id = c.event_id
                        AND earlier.before > t.made_by AND earlier.before < c.before)"""


async def apply_closes(
    connection: asyncpg.Connection, schema: str, table: str, closes: Iterable[Close]
) -> int:
    """Close the rows of a rebuilt table that later events replaced; how many closes."""
    closes = list(closes)
    if not closes:
        return 0
    await connection.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS rebuild_closes"
        " (event_id uuid, before bigint, at timestamptz)"
    )
    await connection.execute("TRUNCATE pg_temp.rebuild_closes")
    await connection.copy_records_to_table(
        "rebuild_closes", records=closes, schema_name="pg_temp"
    )
    await connection.execute("CREATE INDEX ON pg_temp.rebuild_closes (event_id)")
    await connection.execute("ANALYZE pg_temp.rebuild_closes")
    await connection.execute(_APPLY_CLOSES.format(table=f"{quote(schema)}.{quote(table)}"))
    await connection.execute("DROP TABLE pg_temp.rebuild_closes")
    return len(closes)
