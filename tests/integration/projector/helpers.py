"""A projection of the tests' own, and the small steps the projector tests are written in."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator

import asyncpg
import msgspec

from service.projections.base import Projection
from service.store import Cursor, NewEvent, PostgresEventStore
from tests import deadlines
from tests.deadlines import DEADLINE

COUNTS_TABLE = """CREATE TABLE stream_counts (
    stream_id    text NOT NULL,
    event_id     uuid NOT NULL,
    label        text,
    made_by      bigint NOT NULL,
    known_from   timestamptz NOT NULL,
    known_until  timestamptz,
    CONSTRAINT stream_counts_version UNIQUE (event_id, made_by)
)"""
# A name a migration chose, which a rebuilt table must keep.
COUNTS_INDEX = "CREATE INDEX stream_counts_by_stream ON stream_counts (stream_id)"
COLUMNS = ("stream_id", "event_id", "label")


def count_event(view, fact) -> Iterator[tuple[str, tuple]]:
    yield "stream_counts", (fact.stream_id, fact.event_id, None)


def count_and_label_event(view, fact) -> Iterator[tuple[str, tuple]]:
    yield "stream_counts", (fact.stream_id, fact.event_id, fact.value.name_ko)


def counting(handler, columns=COLUMNS) -> Projection:
    """The test projection with another handler for organization.registered."""
    return Projection(
        name="stream_counts",
        tables={"stream_counts": columns},
        handlers={"organization.registered": handler},
    )


COUNTS = counting(count_event)
"""One row per organization.registered event: counted by stream."""

COUNTS_V2 = counting(count_and_label_event)
"""The same projection after a code change: it also keeps each event's name."""


def organization(name: str = "에이아이 주식회사") -> NewEvent:
    data = {"organization_id": "acme", "name_ko": name, "kind": "company"}
    return NewEvent(id=uuid.uuid4(), type="organization.registered", data=msgspec.json.encode(data))


def unhandled() -> NewEvent:
    return NewEvent(id=uuid.uuid4(), type="test.unhandled", data=b"{}")


async def given_events(store: PostgresEventStore, stream_id: str, count: int, name: str = "에이") -> None:
    """``count`` organization.registered events appended to one stream, in one transaction."""
    await store.append(stream_id, [organization(name) for _ in range(count)], "any")


VIEW = """SELECT stream_id, count(*) AS events, max(label) AS label FROM stream_counts
    WHERE known_until IS NULL GROUP BY stream_id ORDER BY stream_id"""


async def counts(connection: asyncpg.Connection | asyncpg.Pool) -> dict[str, int]:
    return {row["stream_id"]: row["events"] for row in await connection.fetch(VIEW)}


async def labels(connection: asyncpg.Connection | asyncpg.Pool) -> dict[str, str | None]:
    rows = await connection.fetch(
        """SELECT DISTINCT ON (stream_id) stream_id, label FROM stream_counts
           WHERE known_until IS NULL ORDER BY stream_id, made_by DESC"""
    )
    return {row["stream_id"]: row["label"] for row in rows}


async def checkpoint(pool: asyncpg.Pool, name: str = "stream_counts") -> Cursor | None:
    row = await pool.fetchrow(
        """SELECT transaction_id::text::bigint, position FROM projection_checkpoints
           WHERE name = $1""",
        name,
    )
    return Cursor(row[0], row[1]) if row else None


async def until(
    condition: Callable[[], bool | Awaitable[bool]],
    timeout: float = DEADLINE,
    step: float = 0.02,
    what: str = "the condition",
) -> None:
    """Wait for a condition that another task makes true; fail after ``timeout``, naming
    ``what`` (``tests.deadlines.until``)."""
    await deadlines.until(condition, what, timeout, step)


async def caught_up(store: PostgresEventStore, pool: asyncpg.Pool, name: str = "stream_counts") -> None:
    """Wait until the projection's checkpoint passes every event committed so far.

    Not the feed's readable end: a transaction open elsewhere on the server can hold that
    back, and a test must not call a projection caught up before it has seen its events.
    """
    last = await last_committed(pool)
    await until(lambda: _reached(pool, name, last), what=f"{name} catching up with the log")


async def last_committed(pool: asyncpg.Pool) -> Cursor:
    row = await pool.fetchrow(
        """SELECT transaction_id::text::bigint, position FROM events
           ORDER BY transaction_id DESC, position DESC LIMIT 1"""
    )
    return Cursor(row[0], row[1]) if row else Cursor()


async def every_event_readable(store: PostgresEventStore, pool: asyncpg.Pool) -> None:
    """Wait until the feed's readable end is the last committed event."""
    last = await last_committed(pool)
    await until(lambda: _head_reached(store, last), what="the feed reading every committed event")


async def _head_reached(store: PostgresEventStore, last: Cursor) -> bool:
    return await store.head() >= last


async def _reached(pool: asyncpg.Pool, name: str, last: Cursor) -> bool:
    current = await checkpoint(pool, name)
    return current is not None and current >= last
