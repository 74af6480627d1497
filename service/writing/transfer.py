"""Moving a whole log between stores: ``export`` writes it as JSON Lines in log order,
``import`` appends it to another store through every check.

Into an empty store, each event keeps its position and ``recorded_at``, so every view and
every ``as_of`` answer is what it was in the store it came from. Into a store that holds
events already (only when asked), events are appended as new ones, at the end of its log.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

import asyncpg
import msgspec

import events
from service.store import START, RestoredEvent, read_all_chunks
from service.store.lookups import is_empty
from service.writing.appender import Appender
from service.writing.command import (
    APPENDED_BY,
    SERVER_METADATA,
    AppendCommand,
    ProposedEvent,
    stored_metadata,
)

T = TypeVar("T")

IMPORT_APPENDER = "import"
"""``appended_by`` of imported events whose export does not say who appended them."""
BATCH = 500


class ExportedEvent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One line of an export."""

    id: uuid.UUID
    stream_id: str
    stream_version: int
    position: int
    type: str
    schema_version: int
    data: msgspec.Raw
    metadata: msgspec.Raw
    recorded_at: datetime


class NotEmpty(Exception):
    """The store to import into holds events, and the import was not told to add to them."""


class ImportReport(msgspec.Struct, kw_only=True):
    events: int
    appended: int
    """Stored by this import; the rest were already there (an import run again)."""
    kept_positions: bool


async def export_lines(connection: asyncpg.Connection) -> AsyncIterator[bytes]:
    """Every readable event in log order, one JSON line each, from one snapshot."""
    encode = msgspec.json.Encoder().encode
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        async for chunk in read_all_chunks(connection, START, 1000):
            yield b"".join(
                encode(
                    ExportedEvent(
                        id=event.event_id, stream_id=event.stream_id,
                        stream_version=event.stream_version, position=event.position,
                        type=event.type, schema_version=event.schema_version, data=event.data,
                        metadata=event.metadata, recorded_at=event.recorded_at,
                    )
                ) + b"\n"
                for event in chunk
            )


def read_lines(lines: Iterable[bytes]) -> Iterator[ExportedEvent]:
    decoder = msgspec.json.Decoder(ExportedEvent)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                yield decoder.decode(line)
            except msgspec.ValidationError as error:
                raise ValueError(f"line {number}: {error}") from None


async def import_log(
    appender: Appender, exported: Iterable[ExportedEvent], *, into_non_empty: bool = False
) -> ImportReport:
    """Append ``exported`` in log order, a batch per run of one stream and one appender."""
    keep_positions = await is_empty(appender.pool)
    if not keep_positions and not into_non_empty:
        raise NotEmpty("the store holds events; import into an empty store, or say so")
    total = appended = 0
    for command, copied in _commands(exported):
        if keep_positions:
            result = await appender.restore(command, copied)
        else:
            result = await appender.append(command)
        total += len(copied)
        appended += 0 if result.duplicate else len(copied)
    return ImportReport(events=total, appended=appended, kept_positions=keep_positions)


def _commands(
    exported: Iterable[ExportedEvent],
) -> Iterator[tuple[AppendCommand, list[RestoredEvent]]]:
    decode = msgspec.json.decode
    encode = msgspec.json.Encoder().encode
    lines = ((event, decode(event.metadata)) for event in exported)

    def run_of(item: tuple[ExportedEvent, dict[str, Any]]) -> tuple[str, str]:
        event, metadata = item
        return event.stream_id, metadata.get(APPENDED_BY, IMPORT_APPENDER)

    for (stream_id, appended_by), run in itertools.groupby(lines, key=run_of):
        for batch in _batched(run):
            proposed, copied = [], []
            for event, metadata in batch:
                client_metadata = {k: v for k, v in metadata.items() if k not in SERVER_METADATA}
                proposed.append(ProposedEvent(
                    id=event.id, type=event.type, data=_current(event), metadata=client_metadata
                ))
                copied.append(RestoredEvent(
                    id=event.id, type=event.type, data=bytes(event.data),
                    metadata=encode(stored_metadata(client_metadata, appended_by)),
                    schema_version=event.schema_version, position=event.position,
                    stream_version=event.stream_version, recorded_at=event.recorded_at,
                ))
            command = AppendCommand(
                stream_id=stream_id,
                expected_version=batch[0][0].stream_version - 1,
                events=proposed,
                appended_by=appended_by,
            )
            yield command, copied


def _current(event: ExportedEvent) -> dict[str, Any]:
    """The exported data in the current shape: what the checks read, and what an append into a
    store that holds events already stores (a restore copies the data as it was exported)."""
    try:
        return msgspec.json.decode(events.current_data(event.type, event.schema_version, event.data))
    except events.EventError:
        return msgspec.json.decode(event.data)  # the checks name what is wrong with it


def _batched(items: Iterable[T]) -> Iterator[tuple[T, ...]]:
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, BATCH)):
        yield batch
