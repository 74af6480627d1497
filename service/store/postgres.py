"""The event store on PostgreSQL, with asyncpg."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Collection, Sequence

import asyncpg
import msgspec

from service.store.model import (
    AppendResult,
    Cursor,
    Direction,
    EventIdConflict,
    ExpectedVersion,
    InvalidAppend,
    NewEvent,
    Page,
    RecordedEvent,
    RestoredEvent,
    WrongExpectedVersion,
)
from service.store.notifier import Notifier

# ORDER BY must name the table's columns (events.transaction_id): a bare name would mean the
# output column of the same name, the bigint cast, and the feed index would not be used.
_COLUMNS = """position, transaction_id::text::bigint AS transaction_id, event_id, stream_id,
    stream_version, type, schema_version, data::text AS data, metadata::text AS metadata,
    recorded_at"""

_APPEND = """SELECT outcome, current_version, positions, versions, conflicting_ids
    FROM append_events($1, $2, $3::uuid[], $4::text[], $5::smallint[], $6::jsonb[],
                       $7::jsonb[], $8::boolean)"""

# Only events of transactions older than every running transaction of the cluster are
# read: a transaction that took a lower position but commits later would otherwise be
# skipped for ever by a reader that has already moved past it.
_READABLE = """(transaction_id, position) > ($1::text::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())"""

_READ_ALL = f"""SELECT {_COLUMNS} FROM events WHERE {_READABLE}
    ORDER BY events.transaction_id, events.position LIMIT $3"""

_READ_ALL_OF_TYPES = f"""SELECT {_COLUMNS} FROM events
    WHERE {_READABLE} AND type = ANY ($4::text[])
    ORDER BY events.transaction_id, events.position LIMIT $3"""

# The whole readable feed after a cursor, for one cursor over the log (a rebuild).
_READ_ALL_UNBOUNDED = f"""SELECT {_COLUMNS} FROM events WHERE {_READABLE}
    ORDER BY events.transaction_id, events.position"""

_COUNT_READABLE = "SELECT count(*) FROM events WHERE " + _READABLE

# The last readable cursor: what a reader of the whole feed would end at now.
_HEAD = """SELECT transaction_id::text::bigint, position FROM events
    WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1"""

_READ_FORWARD = f"""SELECT {_COLUMNS} FROM events
    WHERE stream_id = $1 AND stream_version >= $2
    ORDER BY stream_version LIMIT $3"""

_READ_BACKWARD = f"""SELECT {_COLUMNS} FROM events
    WHERE stream_id = $1 AND stream_version <= $2
    ORDER BY stream_version DESC LIMIT $3"""

# An import's copy: positions are given, so the identity sequence is moved past them.
_RESTORE = """WITH copied AS (
        INSERT INTO events (position, event_id, stream_id, stream_version, type,
                            schema_version, data, metadata, recorded_at)
        OVERRIDING SYSTEM VALUE
        SELECT n.position, n.event_id, $1, n.stream_version, n.type, n.schema_version,
               n.data, n.metadata, n.recorded_at
          FROM unnest($2::bigint[], $3::uuid[], $4::integer[], $5::text[], $6::smallint[],
                      $7::jsonb[], $8::jsonb[], $9::timestamptz[])
               AS n(position, event_id, stream_version, type, schema_version, data, metadata,
                    recorded_at)
        RETURNING position
    )
    SELECT setval(pg_get_serial_sequence('events', 'position'), max(position)) FROM copied"""

_UNIQUE_VIOLATION = "23505"


def _recorded(row: asyncpg.Record) -> RecordedEvent:
    return RecordedEvent(
        position=row[0],
        transaction_id=row[1],
        event_id=row[2],
        stream_id=row[3],
        stream_version=row[4],
        type=row[5],
        schema_version=row[6],
        data=msgspec.Raw(row[7]),
        metadata=msgspec.Raw(row[8]),
        recorded_at=row[9],
    )


def _expected_text(expected: ExpectedVersion) -> str:
    if isinstance(expected, bool) or not isinstance(expected, (int, str)):
        raise InvalidAppend(f"expected version must be an integer or a word, not {expected!r}")
    if isinstance(expected, int):
        if expected < 0:
            raise InvalidAppend(f"expected version must not be negative, not {expected}")
        return str(expected)
    if expected not in ("no_stream", "exists", "any"):
        raise InvalidAppend(
            f"expected version must be an integer, 'no_stream', 'exists' or 'any', not {expected!r}"
        )
    return expected


def _check_batch(events: Sequence[NewEvent] | Sequence[RestoredEvent]) -> None:
    if not events:
        raise InvalidAppend("a batch needs at least one event")
    ids = [event.id for event in events]
    if len(set(ids)) != len(ids):
        raise InvalidAppend("a batch must not repeat an event id")


class PostgresEventStore:
    """``EventStore`` on one PostgreSQL database through an asyncpg pool."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        notify_channel: str = "policy_timeline_events",
        poll_interval: float = 5.0,
    ) -> None:
        self.pool = pool
        self.notify_channel = notify_channel
        self.poll_interval = poll_interval
        self.notifier = Notifier(pool, notify_channel)

    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion,
        *,
        dry_run: bool = False,
    ) -> AppendResult:
        expected = _expected_text(expected_version)
        _check_batch(events)
        arguments = (
            stream_id,
            expected,
            [event.id for event in events],
            [event.type for event in events],
            [event.schema_version for event in events],
            [event.data.decode() for event in events],
            [event.metadata.decode() for event in events],
        )
        try:
            try:
                row = await self._call_append(arguments, check_ids=False, dry_run=dry_run)
            except asyncpg.UniqueViolationError:
                # An id is already stored: ask again, comparing ids, to answer a retry or
                # report the conflict. Appends skip that comparison when nothing is stored.
                row = await self._call_append(arguments, check_ids=True, dry_run=dry_run)
        except asyncpg.UntranslatableCharacterError:
            raise InvalidAppend("text must not contain NUL characters (\\u0000)") from None
        except asyncpg.DataError as error:
            raise InvalidAppend(f"PostgreSQL refused the batch: {error}") from None
        outcome, current_version, positions, versions, conflicting = row
        if outcome == "appended" and not dry_run:
            self.notifier.notify()
        if outcome == "wrong_expected_version":
            raise WrongExpectedVersion(stream_id, expected_version, current_version)
        if outcome == "id_conflict":
            raise EventIdConflict(stream_id, list(conflicting))
        return AppendResult(
            stream_id=stream_id,
            positions=list(positions),
            stream_versions=list(versions),
            stream_version=current_version,
            duplicate=outcome == "duplicate",
        )

    async def _call_append(
        self, arguments: tuple[object, ...], *, check_ids: bool, dry_run: bool
    ) -> asyncpg.Record:
        if not dry_run:
            return await self.pool.fetchrow(_APPEND, *arguments, check_ids)
        # The very append, in a transaction rolled back: every check the database makes
        # (versions, ids, encodings) answers as it would, and nothing is stored.
        async with self.pool.acquire() as connection:
            transaction = connection.transaction()
            await transaction.start()
            try:
                return await connection.fetchrow(_APPEND, *arguments, check_ids)
            finally:
                await transaction.rollback()

    async def restore(self, stream_id: str, events: Sequence[RestoredEvent]) -> AppendResult:
        """Store events copied from another log with their positions, stream versions and
        ``recorded_at``, so that time travel and every view stay as they were. Only for an
        import into a store that nothing else writes to: positions come from the copied log."""
        _check_batch(events)
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", stream_id
            )
            current = await connection.fetchval(
                "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1",
                stream_id,
            )
            if current != events[0].stream_version - 1:
                raise WrongExpectedVersion(stream_id, events[0].stream_version - 1, current)
            try:
                await connection.execute(
                    _RESTORE, stream_id, *(list(column) for column in zip(*(
                        (e.position, e.id, e.stream_version, e.type, e.schema_version,
                         e.data.decode(), e.metadata.decode(), e.recorded_at)
                        for e in events
                    ), strict=True))
                )
            except asyncpg.UniqueViolationError as error:
                raise InvalidAppend(f"the copied log repeats a position or an id: {error}") from None
        self.notifier.notify()
        return AppendResult(
            stream_id=stream_id,
            positions=[event.position for event in events],
            stream_versions=[event.stream_version for event in events],
            stream_version=events[-1].stream_version,
        )

    async def stream_version(self, stream_id: str) -> int:
        version = await self.pool.fetchval(
            "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1", stream_id
        )
        return int(version)

    async def read_stream(
        self,
        stream_id: str,
        from_version: int | None = None,
        direction: Direction = "forward",
        limit: int = 100,
    ) -> list[RecordedEvent]:
        if direction == "forward":
            rows = await self.pool.fetch(_READ_FORWARD, stream_id, from_version or 1, limit)
        else:
            start = 2**31 - 1 if from_version is None else from_version
            rows = await self.pool.fetch(_READ_BACKWARD, stream_id, start, limit)
        return [_recorded(row) for row in rows]

    async def read_all(
        self, after: Cursor, limit: int = 100, types: Collection[str] | None = None
    ) -> Page:
        async with self.pool.acquire() as connection:
            events = await read_all_on(connection, after, limit, types)
        return Page(events=events, next=events[-1].cursor if events else after)

    async def head(self) -> Cursor:
        async with self.pool.acquire() as connection:
            return await readable_head(connection)

    async def get_event(self, event_id: uuid.UUID) -> RecordedEvent | None:
        row = await self.pool.fetchrow(f"SELECT {_COLUMNS} FROM events WHERE event_id = $1", event_id)
        return _recorded(row) if row else None

    async def subscribe(
        self, after: Cursor, types: Sequence[str] | None = None, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        async with self.pool.acquire() as connection, Notifications(
            connection, self.notify_channel
        ) as notifications:
            cursor = after
            while True:
                events = await read_all_on(connection, cursor, batch_size, types)
                for event in events:
                    yield event
                if events:
                    cursor = events[-1].cursor
                    if len(events) == batch_size:
                        continue
                await notifications.wait(self.poll_interval, read_something=bool(events))


async def read_all_on(
    connection: asyncpg.Connection,
    after: Cursor,
    limit: int,
    types: Collection[str] | None = None,
) -> list[RecordedEvent]:
    """The gap-safe feed read, on a connection the caller holds (a runner's transaction)."""
    arguments: list[object] = [str(after.transaction_id), after.position, limit]
    if types:
        rows = await connection.fetch(_READ_ALL_OF_TYPES, *arguments, list(types))
    else:
        rows = await connection.fetch(_READ_ALL, *arguments)
    return [_recorded(row) for row in rows]


async def read_all_chunks(
    connection: asyncpg.Connection, after: Cursor, chunk_size: int
) -> AsyncIterator[list[RecordedEvent]]:
    """The readable feed after ``after`` through one server-side cursor, ``chunk_size`` events
    at a time. Run it in a read-only REPEATABLE READ transaction: the snapshot fixes the
    readable end, and a transaction without an id holds back no other reader's feed."""
    cursor = await connection.cursor(
        _READ_ALL_UNBOUNDED, str(after.transaction_id), after.position
    )
    while True:
        rows = await cursor.fetch(chunk_size)
        if not rows:
            return
        yield [_recorded(row) for row in rows]


async def read_events_by_id(
    connection: asyncpg.Connection, event_ids: Sequence[uuid.UUID]
) -> list[RecordedEvent]:
    """The stored events among ``event_ids``, in log order."""
    rows = await connection.fetch(
        f"SELECT {_COLUMNS} FROM events WHERE event_id = ANY ($1::uuid[]) ORDER BY position",
        list(event_ids),
    )
    return [_recorded(row) for row in rows]


async def readable_head(connection: asyncpg.Connection) -> Cursor:
    """The last readable cursor: where a reader of the whole feed would end now."""
    row = await connection.fetchrow(_HEAD)
    return Cursor(row[0], row[1]) if row else Cursor()


async def count_readable(connection: asyncpg.Connection, after: Cursor) -> int:
    """How many readable events follow ``after`` (work proportional to that count)."""
    return await connection.fetchval(_COUNT_READABLE, str(after.transaction_id), after.position)


class Notifications:
    """LISTEN on a connection; ``wait`` returns on a notification or after a slow poll.

    A notification arrives at commit, but the new event is readable only once every older
    transaction of the cluster has ended. So after a notification that a read did not
    answer, the reader looks again soon, backing off, instead of waiting for the poll.
    """

    def __init__(
        self, connection: asyncpg.Connection, channel: str, *, max_retry_delay: float | None = None
    ) -> None:
        self.connection = connection
        self.channel = channel
        self.max_retry_delay = max_retry_delay
        """How long the look-again may back off to; the poll interval when None."""
        self._notified = asyncio.Event()
        self._pending = False
        self._retry_delay = 0.0
        self._looked_again = 0.0

    async def __aenter__(self) -> Notifications:
        await self.connection.add_listener(self.channel, self._on_notification)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if not self.connection.is_closed():
            await self.connection.remove_listener(self.channel, self._on_notification)

    def _on_notification(self, *args: object) -> None:
        self._notified.set()

    async def wait(self, poll_interval: float, *, read_something: bool) -> None:
        if read_something:
            self._pending = False
            self._retry_delay = 0.0
            self._looked_again = 0.0
        if self._pending:
            # Notified, but the event was not readable yet: look again shortly.
            ceiling = min(poll_interval, self.max_retry_delay or poll_interval)
            self._retry_delay = min(max(self._retry_delay * 2, 0.002), ceiling)
            timeout = self._retry_delay
        else:
            timeout = poll_interval
        try:
            await asyncio.wait_for(self._notified.wait(), timeout)
        except TimeoutError:
            self._looked_again += timeout if self._pending else 0.0
            # Looking again for a whole poll interval is enough (the event may have been
            # read already, with an earlier notification's batch).
            if self._looked_again >= poll_interval:
                self._pending = False
                self._retry_delay = 0.0
                self._looked_again = 0.0
            return
        self._notified.clear()
        self._pending = True
        self._looked_again = 0.0
