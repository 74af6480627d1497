"""The event store: append, read a stream, read all (gap-safe), subscribe."""

from service.store.backlog import (
    BlockingTransaction,
    CursorBacklog,
    FeedBacklog,
    backlog_after,
    feed_backlog,
)
from service.store.model import (
    START,
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
    StoreError,
    WrongExpectedVersion,
)
from service.store.postgres import (
    PostgresEventStore,
    count_readable,
    read_all_chunks,
    read_all_on,
    read_events_by_id,
    readable_head,
)
from service.store.protocol import EventStore

__all__ = [
    "START",
    "AppendResult",
    "BlockingTransaction",
    "Cursor",
    "CursorBacklog",
    "Direction",
    "EventIdConflict",
    "EventStore",
    "ExpectedVersion",
    "FeedBacklog",
    "InvalidAppend",
    "NewEvent",
    "Page",
    "PostgresEventStore",
    "RecordedEvent",
    "RestoredEvent",
    "StoreError",
    "WrongExpectedVersion",
    "backlog_after",
    "count_readable",
    "feed_backlog",
    "read_all_chunks",
    "read_all_on",
    "read_events_by_id",
    "readable_head",
]
