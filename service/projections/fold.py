"""Folding events into row versions: the part the live path and a rebuild share.

``Fold.apply(event)`` updates the fact view and, for each projection, derives the rows of
every fact the event touched: the fact it records, or the target of an amendment and the facts
that look the target up. A fact derived again replaces its rows: the old versions get
``known_until`` (in memory when they were made in this buffer, otherwise as a ``close`` for the
writer), the new ones are added with ``made_by``/``known_from`` of the event.

An event that does not decode, or whose handler raises, is skipped (with a ``Skip`` record)
rather than retried: the log is immutable, so it would fail the same way for ever and wedge
every later event behind it. A rebuild with fixed code folds it later.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from events import (
    AMENDING_TYPES,
    Event,
    EventError,
    FactCorrected,
    FactRetracted,
    decode_stored_trusted,
)
from service.projections.base import VERSION_COLUMNS, Projection, Row
from service.projections.fact_view import Fact, FactView, entity_kind
from service.store import RecordedEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Skip:
    """An event a projection could not fold: it stays in the log, and the engine moves on."""

    projection: str
    event: RecordedEvent
    error: str


class Versions:
    """The row versions of one table made since the last write, and the closes of older ones."""

    __slots__ = ("table", "columns", "rows", "open", "closes", "born", "_event_id")

    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        self.table = table
        self.columns = (*columns, *VERSION_COLUMNS)
        self._event_id = columns.index("event_id")
        self.rows: list[list[Any]] = []
        self.open: dict[uuid.UUID, list[list[Any]]] = {}
        """Fact -> its current rows among ``rows``."""
        self.closes: dict[uuid.UUID, tuple[int, datetime]] = {}
        """Fact -> (position, recorded_at) of the first event that replaced its written rows."""
        self.born: set[uuid.UUID] = set()
        """Facts first derived in this buffer: they have no written rows to close."""

    def add(self, event_id: uuid.UUID, row: Row, made_by: int, at: datetime) -> None:
        """A row of a fact derived for the first time (the common case: no close)."""
        version = [*row, made_by, at, None]
        self.rows.append(version)
        self.born.add(event_id)
        opened = self.open.get(event_id)
        if opened is None:
            self.open[event_id] = [version]
        else:
            opened.append(version)

    def replace(
        self, event_id: uuid.UUID, rows: list[Row], made_by: int, at: datetime, first: bool
    ) -> None:
        for row in self.open.pop(event_id, ()):
            row[-1] = at
        if first:
            self.born.add(event_id)
        elif event_id not in self.born and event_id not in self.closes:
            self.closes[event_id] = (made_by, at)
        if rows:
            versions = [[*row, made_by, at, None] for row in rows]
            self.rows.extend(versions)
            self.open[event_id] = versions

    def __bool__(self) -> bool:
        return bool(self.rows or self.closes)


@dataclass
class Counts:
    applied: int = 0
    """Events that went through a handler or amended a fact."""
    skipped: int = 0


@dataclass
class Fold:
    """Folds events into the versions of the given projections' tables."""

    projections: Sequence[Projection]
    view: FactView
    release: bool = False
    """Release from the view the facts that nothing will need before they are amended (a
    rebuild, whose view would otherwise hold the whole log); ``pin`` keeps those the coming
    events need."""
    spill: bool = False
    """Release amended facts too, into ``spilled``, for the caller to keep on disk
    (``spill.py``): the log alone no longer says what they are."""
    versions: dict[str, Versions] = field(init=False)
    counts: dict[str, Counts] = field(init=False)
    skipped: list[Skip] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.versions = self._empty()
        self.counts = {projection.name: Counts() for projection in self.projections}
        self.spilled: list[Fact] = []
        self._pinned_ids: set[uuid.UUID] = set()
        self._pinned_streams: set[str] = set()
        self._handling: dict[str, list[Projection]] = {}
        for projection in self.projections:
            for event_type in projection.handlers:
                self._handling.setdefault(event_type, []).append(projection)

    def _empty(self) -> dict[str, Versions]:
        return {
            table: Versions(table, columns)
            for projection in self.projections
            for table, columns in projection.tables.items()
        }

    def take(self) -> tuple[dict[str, Versions], list[Skip]]:
        """What was folded since the last ``take``, for the writer; the buffer starts afresh
        (the counts go on)."""
        taken, skipped = self.versions, self.skipped
        self.versions, self.skipped = self._empty(), []
        return taken, skipped

    def apply(
        self,
        event: RecordedEvent,
        applies: Callable[[Projection], bool] | None = None,
        value: Event | None = None,
    ) -> None:
        """Fold one event into the view and into the projections (those ``applies`` accepts);
        ``value`` is the event already decoded, if it was."""
        projections = [p for p in self.projections if applies is None or applies(p)]
        try:
            if value is None:
                value = decode_stored_trusted(event.type, event.schema_version, event.data)
            target = None
            if event.type in AMENDING_TYPES:
                target = self.view.amend(event, cast(FactCorrected | FactRetracted, value))
            own = self.view.record(event, value)
        except EventError as error:
            for projection in projections:
                if event.type in projection.handlers or event.type in AMENDING_TYPES:
                    self._skip(projection, event, error)
            return
        if target is None and not self.view.has_referrers(own):
            self._derive_new(event, own, applies)
        else:
            for projection in projections:
                self._derive(projection, event, own, target)
        for fact in (own, target):
            if fact is not None and not self.view.is_looked_up(fact):
                fact.forget_value()
                if self.release:
                    self._release(fact)

    def pin(self, event_ids: set[uuid.UUID], streams: set[str]) -> None:
        """Keep these facts, and those that look up these entities, until ``unpin``."""
        self._pinned_ids, self._pinned_streams = event_ids, streams

    def unpin(self) -> None:
        pinned = [self.view.get(event_id) for event_id in self._pinned_ids]
        # By id: a fact that a correction moved away from the entity was loaded all the same.
        referring = [
            self.view.get(event_id)
            for stream_id in self._pinned_streams
            for event_id in self.view.referrer_ids(stream_id)
        ]
        self._pinned_ids, self._pinned_streams = set(), set()
        for fact in [*pinned, *referring]:
            if fact is not None and not self.view.is_looked_up(fact):
                self._release(fact)

    def take_spilled(self) -> list[Fact]:
        """The amended facts released since the last call, to be kept elsewhere."""
        spilled, self.spilled = self.spilled, []
        return spilled

    def _release(self, fact: Fact) -> None:
        if fact.event_id in self._pinned_ids or self._pinned_streams.intersection(fact.lookups):
            return
        # An amended fact is kept, or spilled: the log alone no longer says what it is now.
        if fact.state == "active":
            self.view.release(fact)
        elif self.spill and self.view.release(fact):
            self.spilled.append(fact)

    def _derive_new(
        self, event: RecordedEvent, fact: Fact, applies: Callable[[Projection], bool] | None
    ) -> None:
        """The rows of a new fact that nothing refers to yet: nothing to close."""
        versions = self.versions
        for projection in self._handling.get(fact.type, ()):
            if applies is not None and not applies(projection):
                continue
            try:
                rows = list(projection.handlers[fact.type](self.view, fact))
            except Exception as error:  # a bug in one handler must not stop the others
                self._skip(projection, event, error)
                continue
            for table, row in rows:
                versions[table].add(fact.event_id, row, event.position, event.recorded_at)
            self.counts[projection.name].applied += 1

    def _derive(
        self, projection: Projection, event: RecordedEvent, own: Fact, target: Fact | None
    ) -> None:
        handled = projection.handlers
        # (fact, whether this is its first derivation)
        facts: list[tuple[Fact, bool]] = []
        if own.type in handled:
            facts.append((own, True))
        if target is not None and target.type in handled:
            facts.append((target, False))
        changed = target if target is not None else own
        if changed.entity is not None and entity_kind(changed.entity) in projection.looks_up:
            for referrer in self.view.referrers(changed.entity):
                if referrer.type in handled and referrer is not own and referrer is not target:
                    facts.append((referrer, False))
        if not facts:
            return
        try:
            derived = [
                (fact, first, list(handled[fact.type](self.view, fact))) for fact, first in facts
            ]
        except Exception as error:  # a bug in one handler must not stop the others
            self._skip(projection, event, error)
            return
        for fact, first, rows in derived:
            by_table: dict[str, list[Row]] = {table: [] for table in projection.tables}
            for table, row in rows:
                by_table[table].append(row)
            for table, table_rows in by_table.items():
                self.versions[table].replace(
                    fact.event_id, table_rows, event.position, event.recorded_at, first
                )
        self.counts[projection.name].applied += 1

    def _skip(self, projection: Projection, event: RecordedEvent, error: Exception) -> None:
        text = f"{type(error).__name__}: {error}"
        log.warning(
            "projection %s skips event %s at position %s (%s): %s",
            projection.name, event.event_id, event.position, event.type, text,
        )
        self.skipped.append(Skip(projection.name, event, text))
        self.counts[projection.name].skipped += 1
