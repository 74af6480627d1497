"""One reader of new events per process, fanned out to every live subscriber.

The hub holds one dedicated connection: it LISTENs there and reads the gap-safe feed there,
once per batch of new events, whatever the number of subscribers. Each subscriber has a
bounded queue of the hub's batches. A batch says where the hub stood before it (``after``);
a subscriber whose own cursor is behind that place (it joined from an older cursor, or its
queue overflowed and was replaced by a marker) first reads the events in between from the
store, through the same gap-safe feed, then takes the batch's events that follow its cursor.
The feed's order is total and only ever grows at its end, so comparing cursors is enough to
lose nothing and repeat nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import asyncpg

from service.database import close, connect
from service.store import (
    Cursor,
    PostgresEventStore,
    RecordedEvent,
    read_all_on,
    readable_head,
)
from service.store.postgres import Notifications

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0
LOOK_AGAIN_SECONDS = 0.05
"""After a notification whose event is not readable yet (an older transaction anywhere on the
server is still open), the hub looks again at most this long after; the projector backs off
further, but a live stream is about latency, and it is one indexed query per process."""


@dataclass(frozen=True, slots=True)
class Batch:
    after: Cursor
    """Where the hub stood before these events."""
    events: tuple[RecordedEvent, ...]
    end: Cursor
    """Where it stands after them."""


class TooManySubscribers(Exception):
    pass


class NotConnected(Exception):
    """The hub has not reached the database yet, so it does not know where "now" is."""


def _marker(place: Cursor) -> Batch:
    """No events, only a place: a subscriber behind it reads up to it from the store."""
    return Batch(after=place, events=(), end=place)


class Subscription:
    """One live stream's place in the feed. Leave the ``async with`` block to unsubscribe."""

    def __init__(
        self, hub: LiveFeed, cursor: Cursor, types: Sequence[str] | None, queue_batches: int
    ) -> None:
        self.hub = hub
        self.cursor = cursor
        """The last event this subscriber has passed (delivered, or skipped by its filter)."""
        self.types = frozenset(types) if types else None
        self._queue: asyncio.Queue[Batch] = asyncio.Queue(queue_batches)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.hub._subscribers.discard(self)

    def offer(self, batch: Batch) -> None:
        try:
            self._queue.put_nowait(batch)
        except asyncio.QueueFull:
            # Too slow for the shared stream: forget its batches; the marker makes it read
            # everything up to the hub's place from the store itself.
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(_marker(batch.end))
            self.hub.overflows += 1

    async def pages(self, idle_seconds: float) -> AsyncIterator[list[RecordedEvent]]:
        """Lists of new events in feed order, for ever; an empty list after ``idle_seconds``
        without any (time for a heartbeat)."""
        quiet_since = time.monotonic()
        while True:
            batch = await self._next_batch(quiet_since + idle_seconds - time.monotonic())
            if batch is None:
                yield []
                quiet_since = time.monotonic()
                continue
            async for page in self._take(batch):
                yield page
                quiet_since = time.monotonic()

    async def _next_batch(self, timeout: float) -> Batch | None:
        if not self._queue.empty():
            return self._queue.get_nowait()
        if timeout <= 0:
            return None
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    async def _take(self, batch: Batch) -> AsyncIterator[list[RecordedEvent]]:
        while self.cursor < batch.after:
            page = await self.hub.store.read_all(self.cursor, self.hub.batch_size, self.types)
            if not page.events:
                # Nothing of ours is readable past the cursor, and the hub read up to
                # batch.after: nothing of ours lies in between.
                self.cursor = batch.after
                break
            self.cursor = page.next
            yield page.events
        fresh = [
            event for event in batch.events
            if event.cursor > self.cursor and (self.types is None or event.type in self.types)
        ]
        self.cursor = max(self.cursor, batch.end)
        if fresh:
            yield fresh


class LiveFeed:
    """Start it in the app's lifespan; ``subscribe`` for each live stream."""

    def __init__(
        self,
        store: PostgresEventStore,
        database_url: str,
        *,
        notify_channel: str,
        poll_interval: float,
        max_subscribers: int,
        queue_batches: int,
        batch_size: int = 500,
    ) -> None:
        self.store = store
        self.database_url = database_url
        self.notify_channel = notify_channel
        self.poll_interval = poll_interval
        self.max_subscribers = max_subscribers
        self.queue_batches = queue_batches
        self.batch_size = batch_size
        self.position: Cursor | None = None
        """The end of the last batch read: new subscribers without a cursor start here. None
        until the hub has reached the database."""
        self.overflows = 0
        self._subscribers: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None
        self._tried = asyncio.Event()
        self._stopping = False

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    async def start(self, wait_seconds: float = 5.0) -> None:
        """Waits for the first try to reach the database, but not for its success: the app
        starts while the database is unreachable, and the hub keeps trying."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live feed")
        try:
            await asyncio.wait_for(self._tried.wait(), wait_seconds)
        except TimeoutError:
            log.warning("live feed: the database has not answered yet; still trying")

    async def stop(self) -> None:
        # The flag as well as the cancel: a cancel that lands in a query can come out of the
        # listener's cleanup as a connection error, which the loop would take for an outage.
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=10)

    def subscribe(
        self, cursor: Cursor | None = None, types: Sequence[str] | None = None
    ) -> Subscription:
        """From ``cursor`` (exclusive), or from now. Raises ``TooManySubscribers``, or
        ``NotConnected`` for "from now" before the hub has reached the database."""
        if len(self._subscribers) >= self.max_subscribers:
            raise TooManySubscribers(f"{len(self._subscribers)} live streams already")
        if cursor is None and self.position is None:
            raise NotConnected("the live feed has not reached the database yet")
        start = cursor or self.position
        assert start is not None  # checked above
        subscription = Subscription(self, start, types, self.queue_batches)
        if self.position is not None:
            # Catch up to where the hub stands now; its next batch starts there.
            subscription.offer(_marker(self.position))
        self._subscribers.add(subscription)
        return subscription

    def _start_at(self, head: Cursor) -> None:
        self.position = head
        for subscription in self._subscribers:
            subscription.offer(_marker(head))

    def _publish(self, events: list[RecordedEvent]) -> None:
        assert self.position is not None
        batch = Batch(after=self.position, events=tuple(events), end=events[-1].cursor)
        self.position = batch.end
        for subscription in self._subscribers:
            subscription.offer(batch)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._follow()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self._tried.set()
                if self._stopping:
                    return
                log.warning("live feed: no database (%s); trying again", error)
                await asyncio.sleep(RECONNECT_SECONDS)
            except Exception:
                # Every live stream of the process hangs on this task: it must not die.
                self._tried.set()
                if self._stopping:
                    return
                log.exception("live feed: failed; starting again")
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _follow(self) -> None:
        connection = await connect(self.database_url, "live feed")
        try:
            if self.position is None:
                self._start_at(await readable_head(connection))
            self._tried.set()
            async with Notifications(
                connection, self.notify_channel, max_retry_delay=LOOK_AGAIN_SECONDS
            ) as notifications:
                while True:
                    assert self.position is not None  # set by _start_at above
                    events = await read_all_on(connection, self.position, self.batch_size)
                    if events:
                        self._publish(events)
                        if len(events) == self.batch_size:
                            continue
                    # A notification may stand for more than this read found (another append
                    # still held back by an older transaction): keep looking again after
                    # reading, for up to a poll interval, rather than wait for the next one.
                    await notifications.wait(self.poll_interval, read_something=False)
        finally:
            await close(connection)
