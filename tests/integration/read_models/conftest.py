"""A database with the seed article appended and folded into every read model, and helpers
to append amendments and fold them in, all through the real appender and runner."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest

from events.seed import SOURCE_ID, load_seed
from service.projections.runner import apply_next_batch
from service.read_models import PROJECTIONS
from service.store import NewEvent
from service.writing import AppendCommand, Appender, ProposedEvent
from service.writing.seeding import seed

# Other tests on the same server can hold back the gap-safe feed for a while (see DESIGN 2).
CATCH_UP_ATTEMPTS = 600


async def catch_up(pool, projections=PROJECTIONS) -> None:
    """Apply batches until every projection's checkpoint is at the last event of the log."""
    async with pool.acquire() as connection:
        head = await connection.fetchrow(
            """SELECT transaction_id::text::bigint AS transaction_id, position FROM events
               ORDER BY transaction_id DESC, position DESC LIMIT 1"""
        )
        for _ in range(CATCH_UP_ATTEMPTS):
            await apply_next_batch(connection, projections)
            reached = await connection.fetchval(
                """SELECT bool_and((transaction_id::text::bigint, position) >= ($2::bigint, $3::bigint))
                   FROM projection_checkpoints WHERE name = ANY ($1::text[])""",
                [projection.name for projection in projections],
                head["transaction_id"],
                head["position"],
            )
            if reached:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the projections did not catch up with the log")


class Log:
    """The seeded log: look up seed events, append amendments, fold them into the read models."""

    def __init__(self, appender: Appender, pool) -> None:
        self.appender = appender
        self.pool = pool
        self.seed_events = load_seed()

    def event_of(self, stream_id: str):
        """The first seed event of a stream (the fact that created the entity)."""
        return next(event for event in self.seed_events if event.stream_id == stream_id)

    def data_of(self, stream_id: str) -> dict:
        return msgspec.json.decode(self.event_of(stream_id).data)

    async def append(self, stream_id: str, type_: str, data: dict) -> uuid.UUID:
        """Append one event through every check, and fold it into the read models."""
        event_id = uuid.uuid4()
        event = ProposedEvent(id=event_id, type=type_, data=data)
        await self.appender.append(AppendCommand(
            stream_id=stream_id, expected_version="any", events=[event], appended_by="test"
        ))
        await catch_up(self.pool)
        return event_id

    async def append_unchecked(self, stream_id: str, type_: str, data: dict) -> uuid.UUID:
        """Append straight to the store, past the write side's checks, as a log written before
        a check existed holds it; fold it into the read models."""
        event_id = uuid.uuid4()
        await self.appender.store.append(
            stream_id, [NewEvent(id=event_id, type=type_, data=msgspec.json.encode(data))], "any"
        )
        await catch_up(self.pool)
        return event_id

    async def retract_event(self, stream_id: str, target: uuid.UUID, reason: str, quote: str):
        return await self.append(
            stream_id,
            "fact.retracted",
            {"target": str(target), "reason": reason, "evidence": _evidence(quote)},
        )

    async def correct(self, stream_id: str, changes: dict, reason: str, quote: str) -> uuid.UUID:
        """Correct the fact that created the stream's entity."""
        target = str(self.event_of(stream_id).id)
        return await self.append(
            stream_id,
            "fact.corrected",
            {"target": target, "changes": changes, "reason": reason, "evidence": _evidence(quote)},
        )

    async def retract(self, stream_id: str, reason: str, quote: str) -> uuid.UUID:
        """Retract the fact that created the stream's entity."""
        return await self.retract_event(stream_id, self.event_of(stream_id).id, reason, quote)


def _evidence(quote: str) -> list[dict]:
    return [{"source_id": SOURCE_ID, "quote": quote}]


@pytest.fixture
async def seeded_log(store, pool) -> Log:
    """The seed article appended through every check and folded into every read model."""
    appender = Appender(store, pool)
    await seed(appender)
    await catch_up(pool)
    return Log(appender, pool)


@pytest.fixture
async def connection(pool, seeded_log):
    async with pool.acquire() as connection:
        yield connection


@pytest.fixture
async def api(client, seeded_log):
    """The API in process on the seeded log."""
    return client


async def get_json(api, path: str, **params) -> dict:
    response = await api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()
