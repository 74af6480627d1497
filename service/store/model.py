"""What goes into the event store and what comes out of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import msgspec

ExpectedVersion = int | Literal["no_stream", "exists", "any"]
"""An exact stream version (0 means "no events yet"), or a rule about the stream's existence."""

Direction = Literal["forward", "backward"]


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    type: str
    data: bytes
    """The fact as JSON text (UTF-8)."""
    metadata: bytes = b"{}"
    schema_version: int = 1


class RestoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event of another store's log, copied with its place and time there (an import)."""

    id: uuid.UUID
    type: str
    data: bytes
    metadata: bytes
    schema_version: int
    position: int
    stream_version: int
    recorded_at: datetime


class RecordedEvent(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    transaction_id: int
    event_id: uuid.UUID
    stream_id: str
    stream_version: int
    type: str
    schema_version: int
    data: msgspec.Raw
    """The stored JSON, passed through without decoding."""
    metadata: msgspec.Raw
    recorded_at: datetime

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.transaction_id, self.position)


class AppendResult(msgspec.Struct, frozen=True, kw_only=True):
    stream_id: str
    positions: list[int]
    stream_versions: list[int]
    stream_version: int
    """The stream's version after the append."""
    duplicate: bool = False
    """True when every event was already stored: a retried append, answered and not repeated."""


class Page(msgspec.Struct, frozen=True, kw_only=True):
    events: list[RecordedEvent]
    next: Cursor
    """Where to continue reading; equal to the request's cursor when nothing new was read."""


class Cursor(msgspec.Struct, frozen=True, array_like=True, order=True):
    """A place in the global feed: after (transaction id, position). Opaque to API callers."""

    transaction_id: int = 0
    position: int = 0

    def __str__(self) -> str:
        return f"{self.transaction_id}-{self.position}"


START = Cursor(0, 0)


class StoreError(Exception):
    """Base of the store's typed errors."""


class WrongExpectedVersion(StoreError):
    def __init__(self, stream_id: str, expected: ExpectedVersion, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {current_version}, expected {expected!r}"
        )
        self.stream_id = stream_id
        self.expected = expected
        self.current_version = current_version


class EventIdConflict(StoreError):
    """Event ids already stored with other content, in another stream, or in another batch."""

    def __init__(self, stream_id: str, event_ids: list[uuid.UUID]) -> None:
        listed = ", ".join(str(event_id) for event_id in event_ids)
        super().__init__(
            f"event ids already stored with different content or in a different batch: {listed}"
        )
        self.stream_id = stream_id
        self.event_ids = event_ids


class InvalidAppend(StoreError):
    """A batch that cannot be stored as given (empty, repeated ids, text PostgreSQL refuses)."""
