"""Turning an append request into stored events: the one write path of the API."""

from __future__ import annotations

import msgspec

from service.http.schemas import AppendRequest
from service.store import AppendResult, EventStore, NewEvent

_encode = msgspec.json.Encoder().encode


class Appender:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def append(self, stream_id: str, request: AppendRequest) -> AppendResult:
        events = [
            NewEvent(
                id=event.id,
                type=event.type,
                data=_encode(event.data),
                metadata=_encode(event.metadata),
            )
            for event in request.events
        ]
        return await self.store.append(stream_id, events, request.expected_version)
