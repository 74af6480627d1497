"""The event store's contract; ``postgres.PostgresEventStore`` implements it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Protocol, runtime_checkable

from service.store.model import (
    AppendResult,
    Cursor,
    Direction,
    ExpectedVersion,
    NewEvent,
    Page,
    RecordedEvent,
    RestoredEvent,
)


@runtime_checkable
class EventStore(Protocol):
    async def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion,
        *,
        dry_run: bool = False,
    ) -> AppendResult:
        """Append a batch to one stream atomically, or raise ``WrongExpectedVersion``,
        ``EventIdConflict`` or ``InvalidAppend`` and store nothing. A ``dry_run`` answers
        or raises exactly as the append would, and stores nothing."""
        ...

    async def restore(self, stream_id: str, events: Sequence[RestoredEvent]) -> AppendResult:
        """Store events copied from another log with their positions, stream versions and
        times there (an import into a store nothing else writes to)."""
        ...

    async def stream_version(self, stream_id: str) -> int:
        """The stream's current version; 0 when it has no events."""
        ...

    async def read_stream(
        self,
        stream_id: str,
        from_version: int | None = None,
        direction: Direction = "forward",
        limit: int = 100,
    ) -> list[RecordedEvent]: ...

    async def read_all(
        self, after: Cursor, limit: int = 100, types: Collection[str] | None = None
    ) -> Page:
        """Events after the cursor in feed order, never skipping one that commits late."""
        ...

    async def get_event(self, event_id: uuid.UUID) -> RecordedEvent | None: ...

    def subscribe(
        self, after: Cursor, types: Sequence[str] | None = None
    ) -> AsyncIterator[RecordedEvent]:
        """Every event after the cursor, then each new one as it becomes readable."""
        ...
