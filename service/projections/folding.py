"""Folding events through handlers into SQL, and sending that SQL: the part every run shares.

The live runner, a replay's build and an ``as_of`` fold differ only in where the tables are
(``search_path``) and where the cursor is kept; this module is what they have in common.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from events import EventError, decode_event
from service.projections.base import Ops, Projection
from service.store import RecordedEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skip:
    """An event a projection could not fold: it stays in the log, and the runner moves on."""

    projection: str
    event: RecordedEvent
    error: str


@dataclass
class Folded:
    ops: Ops = field(default_factory=Ops)
    applied: int = 0
    """Events that went through a handler (counted once per projection)."""
    skipped: list[Skip] = field(default_factory=list)


def fold(projections: Sequence[Projection], batch: Sequence[RecordedEvent]) -> Folded:
    """The statements for a batch, event by event and, per event, projection by projection.

    An event that does not decode, or whose handler raises, is skipped (with a ``Skip``
    record) rather than retried: the log is immutable, so it would fail the same way for
    ever and wedge every later event behind it. A replay with fixed code folds it later.
    """
    folded = Folded()
    for event in batch:
        handlers = [(p.name, p.handlers[event.type]) for p in projections if event.type in p.handlers]
        if not handlers:
            continue
        try:
            fact = decode_event(event.type, event.data)
        except EventError as error:
            folded.skipped.extend(_skip(name, event, error) for name, _ in handlers)
            continue
        for name, handler in handlers:
            mark = len(folded.ops.statements)
            try:
                handler(folded.ops, event, fact)
            except Exception as error:  # a bug in one handler must not stop the others
                del folded.ops.statements[mark:]
                folded.skipped.append(_skip(name, event, error))
            else:
                folded.applied += 1
    return folded


def _skip(projection: str, event: RecordedEvent, error: Exception) -> Skip:
    text = f"{type(error).__name__}: {error}"
    log.warning(
        "projection %s skips event %s at position %s (%s): %s",
        projection, event.event_id, event.position, event.type, text,
    )
    return Skip(projection, event, text)


async def send(connection: asyncpg.Connection, ops: Ops) -> None:
    """Run the statements: merged rows as one call over arrays, other runs as ``executemany``."""
    for sql, as_rows, rows in ops.runs():
        if as_rows:
            await connection.execute(sql, *(list(column) for column in zip(*rows, strict=True)))
        elif len(rows) == 1:
            await connection.execute(sql, *rows[0])
        else:
            await connection.executemany(sql, rows)


_RECORD_SKIP = """INSERT INTO public.projection_skipped_events
        (name, build, event_id, position, type, error)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (name, build, event_id)
    DO UPDATE SET error = excluded.error, skipped_at = now()"""


async def record_skips(
    connection: asyncpg.Connection, skipped: Sequence[Skip], *, build: bool = False
) -> None:
    if skipped:
        await connection.executemany(
            _RECORD_SKIP,
            [
                (s.projection, build, s.event.event_id, s.event.position, s.event.type, s.error)
                for s in skipped
            ],
        )
