"""Where a rebuild keeps the amended facts it folded: on disk, not in its memory.

A rebuild's fact view releases each fact that nothing will need soon; the log says again what
a never-amended fact is, but an amended one is the log's event *and* its corrections. Those
go, as they stand after each chunk, into an unlogged table of the rebuild's build schema
(dropped with it), so that the view holds only the chunk's facts and the looked-up entities,
however long the log. A later amendment or a change to an entity the fact looks up loads it
back from here, the latest row of each fact winning.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import asyncpg
import msgspec

from service.projections.fact_view import Fact
from service.projections.identifiers import quote
from service.projections.loading import fact_of_row

_COLUMNS = (
    "event_id", "spill", "stream_id", "position", "type", "recorded_at", "fact",
    "corrections", "retraction", "lookups",
)

_encode = msgspec.json.encode


_TABLE = "rebuild_amended_facts"


def _table(schema: str) -> str:
    return f"{quote(schema)}.{quote(_TABLE)}"


async def create(connection: asyncpg.Connection, schema: str) -> None:
    """The empty table, in ``schema`` (unquoted; a build schema: dropped with it)."""
    await connection.execute(
        f"""CREATE UNLOGGED TABLE {_table(schema)} (
            event_id uuid NOT NULL, spill bigint NOT NULL, stream_id text NOT NULL,
            position bigint NOT NULL, type text NOT NULL, recorded_at timestamptz NOT NULL,
            fact text NOT NULL, corrections text NOT NULL, retraction text,
            lookups text[] NOT NULL,
            PRIMARY KEY (event_id, spill)
        )"""
    )


async def write(
    connection: asyncpg.Connection, schema: str, facts: Sequence[Fact], spill: int
) -> None:
    """The facts as they stand now; ``spill`` numbers the writes (a later one wins)."""
    if not facts:
        return
    await connection.copy_records_to_table(
        _TABLE,
        schema_name=schema,
        columns=_COLUMNS,
        records=[
            (
                fact.event_id, spill, fact.stream_id, fact.position, fact.type,
                fact.recorded_at, fact.json, _encode(fact.corrections).decode(),
                _encode(fact.retraction).decode() if fact.retraction is not None else None,
                list(fact.lookups),
            )
            for fact in facts
        ],
    )


async def read(
    connection: asyncpg.Connection, schema: str, event_ids: Iterable[uuid.UUID]
) -> list[Fact]:
    """The latest state of those of ``event_ids`` that were written here."""
    rows = await connection.fetch(  # the columns in the order fact_of_row reads them
        f"""SELECT DISTINCT ON (event_id) event_id, stream_id, position, type, recorded_at,
                fact, corrections, retraction, lookups
            FROM {_table(schema)} WHERE event_id = ANY ($1::uuid[])
            ORDER BY event_id, spill DESC""",
        list(event_ids),
    )
    return [fact_of_row(row) for row in rows]
