"""Request and response bodies of the event endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

import events
from service.store import RecordedEvent
from service.writing.command import AppendCommand, ProposedEvent

ExpectedVersionBody = (
    Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] | Literal["no_stream", "exists", "any"]
)


class EventBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: uuid.UUID
    """Chosen by the client; a retry with the same ids is answered, not duplicated."""
    type: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    data: dict[str, Any]
    metadata: dict[str, Any] = {}


class AppendRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    expected_version: ExpectedVersionBody = "any"
    events: Annotated[list[EventBody], msgspec.Meta(min_length=1)]

    def command(self, stream_id: str, appended_by: str) -> AppendCommand:
        events = [
            ProposedEvent(id=event.id, type=event.type, data=event.data, metadata=event.metadata)
            for event in self.events
        ]
        return AppendCommand(
            stream_id=stream_id,
            expected_version=self.expected_version,
            events=events,
            appended_by=appended_by,
        )


class AppendedEvent(msgspec.Struct, kw_only=True):
    event_id: uuid.UUID
    position: int
    stream_version: int


class AppendResponse(msgspec.Struct, kw_only=True):
    stream_id: str
    stream_version: int
    position: int
    """The batch's last position: pass it as ``min_position`` to read your own write."""
    events: list[AppendedEvent]
    duplicate: bool
    """True when this answers a retry: the events were stored by an earlier request."""
    dry_run: bool = False
    """True when this answers ``dry_run=true``: nothing was stored. Its positions were free
    when it ran; a real append takes the next free ones, which may be others."""


class EventDocument(msgspec.Struct, kw_only=True):
    """An event as the API shows it: ``GET /events``, ``/events/{id}``, a stream, and the
    live feed's ``data``."""

    event_id: uuid.UUID
    position: int
    stream_id: str
    stream_version: int
    type: str
    schema_version: int
    """The version of the shape ``data`` has: the type's current one."""
    stored_schema_version: int
    """The version the event was stored at; older data is upcast to the current shape."""
    data: dict[str, Any]
    metadata: dict[str, Any]
    recorded_at: datetime


class StreamResponse(msgspec.Struct, kw_only=True):
    stream_id: str
    stream_version: int
    direction: Literal["forward", "backward"]
    events: list[EventDocument]
    next_cursor: str | None
    """Pass as ``cursor`` for the next page; null at the end of the stream."""


class FeedResponse(msgspec.Struct, kw_only=True):
    events: list[EventDocument]
    next_cursor: str | None
    """Pass as ``cursor`` for the next page; null when this page reaches the end of the feed
    as readable now."""
    resume_cursor: str
    """Pass as ``cursor`` to read what arrives after this page, later (the feed grows at its
    end); the request's own cursor when the page is empty."""


def current_shape(event: RecordedEvent) -> tuple[int, msgspec.Raw]:
    """The event's schema version and data as answered: upcast when stored at an older version.
    Data that cannot be upcast is answered as stored, with the version it was stored at."""
    try:
        version = events.current_version(event.type)
        data = events.current_data(event.type, event.schema_version, event.data)
    except events.EventError:
        return event.schema_version, event.data
    return version, data if isinstance(data, msgspec.Raw) else msgspec.Raw(data)


def event_document(event: RecordedEvent) -> EventDocument:
    # Raw JSON from the database is passed through as-is (msgspec writes Raw verbatim),
    # so text comes back byte for byte and, at the current version, nothing is decoded.
    schema_version, data = current_shape(event)
    return EventDocument(
        event_id=event.event_id,
        position=event.position,
        stream_id=event.stream_id,
        stream_version=event.stream_version,
        type=event.type,
        schema_version=schema_version,
        stored_schema_version=event.schema_version,
        # Raw JSON, encoded as stored; the fields' types say what the schema documents.
        data=data,  # type: ignore[arg-type]
        metadata=event.metadata,  # type: ignore[arg-type]
        recorded_at=event.recorded_at,
    )
