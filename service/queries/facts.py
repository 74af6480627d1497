"""One fact as it stands now (corrections applied), for the desk's correct and retract forms."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import msgspec

from service.queries.common import State


class FactNow(msgspec.Struct, kw_only=True):
    event_id: uuid.UUID
    type: str
    stream_id: str
    data: dict[str, Any]
    """The fact's data with every correction applied."""
    state: State


async def fact_now(connection: asyncpg.Connection, event_id: uuid.UUID) -> FactNow | None:
    row = await connection.fetchrow(
        """SELECT event_id, type, stream_id, fact::text AS fact, state FROM facts
           WHERE event_id = $1 AND known_until IS NULL""",
        event_id,
    )
    if row is None:
        return None
    return FactNow(
        event_id=row["event_id"], type=row["type"], stream_id=row["stream_id"],
        data=msgspec.json.decode(row["fact"]), state=row["state"],
    )
