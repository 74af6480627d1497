"""Turning an append request into stored events: the one write path of the API.

Each event is decoded against the vocabulary, placed in the right stream, and checked against
the log (references, correction targets, evidence quotes) before the store appends the batch.
"""

from __future__ import annotations

import asyncpg
import msgspec

import events
from service import validation
from service.http.schemas import AppendRequest
from service.store import AppendResult, EventStore, ExpectedVersion, NewEvent
from service.validation import BadFact

_encode = msgspec.json.Encoder().encode


class Appender:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store = store
        self.pool = pool

    async def append(self, stream_id: str, request: AppendRequest) -> AppendResult:
        """Append ``request.events`` to the stream, or raise ``BadFact`` (422) or a store error."""
        facts = validation.decode_batch([(event.type, event.data) for event in request.events])
        validation.check_stream_membership(stream_id, facts)
        async with self.pool.acquire() as connection:
            known = await validation.load_known(connection, facts)
        if not request.import_:
            validation.check_references(stream_id, facts, known)
        validation.check_amendments(stream_id, facts, known)
        validation.check_evidence(facts, known, importing=request.import_)

        batch = [
            NewEvent(
                id=event.id,
                type=event.type,
                data=events.encode_event_data(fact),
                metadata=_encode(event.metadata),
            )
            for event, fact in zip(request.events, facts, strict=True)
        ]
        expected = _creation_rule(stream_id, facts, request.expected_version)
        return await self.store.append(stream_id, batch, expected)


def _creation_rule(
    stream_id: str, facts: list[events.Event], expected: ExpectedVersion
) -> ExpectedVersion:
    """A batch that creates an entity must start a new stream: it is appended at version 0,
    so a second registration of the same id is a 409 while a retry is still answered."""
    if facts[0].TYPE not in validation.CREATING_TYPES:
        return expected
    if expected not in ("any", "no_stream", 0):
        raise BadFact(
            f"events[0]: {facts[0].TYPE} creates {stream_id!r}, so expected_version must be "
            f"'no_stream', 0 or 'any', not {expected!r}",
            "wrong-stream",
            event_index=0,
        )
    return 0
