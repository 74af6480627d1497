"""A log in memory for the engine's pure tests: events as the store would record them, folded
by the same ``Fold`` the live path and a rebuild run, with no database."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import msgspec

import events
from events.seed import load_seed
from service.projections.base import VERSION_COLUMNS, Projection, lookup_kinds
from service.projections.fact_view import FactView
from service.projections.fold import Fold
from service.read_models import PROJECTIONS
from service.store import RecordedEvent

SEED = load_seed()
START = datetime(2025, 4, 1, tzinfo=UTC)


class LogEvent(NamedTuple):
    """What an append stores: the same fields as a seed line."""

    stream_id: str
    id: uuid.UUID
    type: str
    data: bytes


def new_event(stream_id: str, type_: str, data: dict[str, Any], number: int) -> LogEvent:
    return LogEvent(stream_id, uuid.UUID(int=number + 1), type_, msgspec.json.encode(data))


def recorded(log: Iterable[Any]) -> list[RecordedEvent]:
    """The log as the store records it: positions from 1, one second apart."""
    versions: Counter[str] = Counter()
    found = []
    for position, event in enumerate(log, start=1):
        versions[event.stream_id] += 1
        found.append(RecordedEvent(
            position=position, transaction_id=position, event_id=event.id,
            stream_id=event.stream_id, stream_version=versions[event.stream_id],
            type=event.type, schema_version=events.current_version(event.type),
            data=msgspec.Raw(event.data), metadata=msgspec.Raw(b"{}"),
            recorded_at=START + timedelta(seconds=position),
        ))
    return found


def folded(log: Iterable[Any], projections: Sequence[Projection] = PROJECTIONS) -> Fold:
    """The log folded in one buffer, every fact kept in the view."""
    fold = Fold(projections, FactView(lookup_kinds(projections)))
    for event in recorded(log):
        fold.apply(event)
    return fold


def comparable(row: Sequence[Any]) -> tuple:
    """A row with its lists as tuples, so that rows can be counted."""
    return tuple(tuple(value) if isinstance(value, list) else value for value in row)


def rows_valid_at(fold: Fold, at: datetime | None = None) -> dict[str, Counter]:
    """Each table's rows (without their version columns) known at ``at``, or current."""
    width = len(VERSION_COLUMNS)
    tables = {}
    for table, versions in fold.versions.items():
        tables[table] = Counter(
            comparable(row[:-width]) for row in versions.rows
            if (at is None and row[-1] is None)
            or (at is not None and row[-2] <= at and (row[-1] is None or row[-1] > at))
        )
    return tables


def rows_of(events_: Iterable[Any], projection: Projection) -> list[tuple[str, tuple]]:
    """What ``projection``'s handlers make of each of the facts ``events_`` leave, as
    ``(table, row)`` pairs: the handlers called on the fact view, as the engine calls them."""
    events_ = list(events_)
    view = FactView(projection.looks_up)
    fold = Fold((), view)
    for event in recorded(events_):
        fold.apply(event)
    rows = []
    for event in events_:
        fact = view.get(event.id)
        if fact is not None and fact.type in projection.handlers:
            rows += projection.handlers[fact.type](view, fact)
    return rows
