"""The one write path: an ``AppendCommand`` checked against the log, then stored.

The API, the seed and an import all append through it, so nothing reaches the log past the
checks.
"""

from __future__ import annotations

import asyncpg
import msgspec

import events
from service.store import AppendResult, EventStore, NewEvent, RestoredEvent
from service.writing import checks
from service.writing.command import AppendCommand, stored_metadata
from service.writing.known import load_known

_encode = msgspec.json.Encoder().encode


class Appender:
    def __init__(self, store: EventStore, pool: asyncpg.Pool) -> None:
        self.store = store
        self.pool = pool

    async def append(self, command: AppendCommand, *, dry_run: bool = False) -> AppendResult:
        """Append the command's events, or raise ``checks.BadFact`` (422) or a store error.
        A ``dry_run`` answers or raises the same, and stores nothing."""
        facts = await self._checked(command)
        batch = [
            NewEvent(
                id=event.id,
                type=event.type,
                schema_version=fact.VERSION,
                data=events.encode_event_data(fact),
                metadata=_encode(stored_metadata(event.metadata, command.appended_by)),
            )
            for event, fact in zip(command.events, facts, strict=True)
        ]
        expected = checks.creation_rule(command.stream_id, facts, command.expected_version)
        return await self.store.append(command.stream_id, batch, expected, dry_run=dry_run)

    async def restore(self, command: AppendCommand, copied: list[RestoredEvent]) -> AppendResult:
        """Store events copied from another log (``copied``, the command's events with their
        positions and times there) after the same checks as any append."""
        await self._checked(command)
        return await self.store.restore(command.stream_id, copied)

    async def check(self, command: AppendCommand) -> None:
        """The checks of the facts alone, not the store's (versions, ids), nothing stored:
        raises ``checks.BadFact``. ``append(..., dry_run=True)`` runs them all."""
        await self._checked(command)

    async def _checked(self, command: AppendCommand) -> list[events.Event]:
        facts = checks.decode_batch(command.events)
        checks.check_client_metadata(command.events)
        batch = [(event.id, fact) for event, fact in zip(command.events, facts, strict=True)]
        async with self.pool.acquire() as connection:
            known = await load_known(connection, command.stream_id, batch)
        checks.check_batch(command.stream_id, batch, known)
        return facts
