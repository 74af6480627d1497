"""What a projection is: a name, its tables, and one table from event type to handler.

A handler is pure: given the fact view (every fact as corrected, see ``fact_view.py``) and one fact,
it returns the rows that fact contributes to the projection's tables, as ``(table, row)`` pairs,
each row a tuple in the table's column order. It runs no SQL and does no I/O, so the same
handlers serve the live path (``runner.py``) and a rebuild (``rebuild.py``).

The engine turns those rows into versions: when a fact is amended (``fact.corrected``,
``fact.retracted``), its rows are derived again and replace the old ones, which are kept with
``known_until`` set; when a fact that others look up changes (a person's affiliations, a
meeting's organiser), the facts that look it up are derived again in the projections that
``look_up`` that kind of entity.

A projection derives nothing from the event types it has no handler for (they are still
checkpointed): its handler table is all it says. A projection that derives rows from every
fact (``facts``, ``sources``) says so with ``EveryType``. That no event type is left out by
every read model is checked once, by ``unread_types``
(``tests/unit/test_projection_coverage.py``): a new event type cannot silently miss them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import events
from service.projections.fact_view import Fact, FactView

Row = tuple[Any, ...]
Rows = Iterable[tuple[str, Row]]
Handler = Callable[[FactView, Fact], Rows]
"""``handler(view, fact) -> [(table, row), ...]``: the rows of one fact, as it stands now."""

VERSION_COLUMNS = ("made_by", "known_from", "known_until")
"""Added by the engine to every row: the position and ``recorded_at`` of the event that made
the version, and the ``recorded_at`` of the one that replaced it (null while current)."""


class EveryType(Mapping[str, Handler]):
    """A handler table with one handler for every event type of the vocabulary, as it is
    (a type added to ``events.EVENT_TYPES`` is in it), and handlers of their own for ``own``."""

    def __init__(self, handler: Handler, own: Mapping[str, Handler] | None = None) -> None:
        self.handler = handler
        self.own = dict(own or {})

    def __getitem__(self, event_type: str) -> Handler:
        handler = self.own.get(event_type)
        if handler is not None:
            return handler
        if event_type in events.EVENT_TYPES:
            return self.handler
        raise KeyError(event_type)

    def __iter__(self) -> Iterator[str]:
        yield from events.EVENT_TYPES
        yield from (t for t in self.own if t not in events.EVENT_TYPES)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class Projection:
    name: str
    """Stable name, used in URLs (``/projections/timeline``), checkpoints and lock keys."""
    tables: Mapping[str, tuple[str, ...]]
    """Each table the projection owns (created by Alembic) -> its columns, ``event_id``
    among them: the fact a row derives from. Iterating gives the table names."""
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    """Event type -> handler (or ``EveryType``); every other type is ignored (still
    checkpointed)."""
    looks_up: frozenset[str] = frozenset()
    """Kinds of entity (``person``, ``meeting``, ``initiative``) whose facts the handlers read
    through the view: when one changes, the facts that refer to it are derived again."""

    def __post_init__(self) -> None:
        for table, columns in self.tables.items():
            if "event_id" not in columns:
                raise ValueError(f"{self.name}: table {table} needs an event_id column")


DEFAULT_BATCH_SIZE = 500
"""Events per batch of the live path, and of a rebuild's catch-up after its bulk pass."""


def as_projections(projections: Projection | Sequence[Projection]) -> tuple[Projection, ...]:
    return (projections,) if isinstance(projections, Projection) else tuple(projections)


def unread_types(projections: Sequence[Projection]) -> set[str]:
    """The event types of the vocabulary that no projection names in its handler table (a
    handler for ``EveryType`` names none but its ``own``) and that are not amendments (which
    the engine applies to the fact they amend). Every type is to be read on purpose by some
    read model, so a new type cannot be forgotten by all of them."""
    named: set[str] = set()
    for projection in projections:
        handlers = projection.handlers
        named.update(handlers.own if isinstance(handlers, EveryType) else handlers)
    return set(events.EVENT_TYPES) - named - events.AMENDING_TYPES


def lookup_kinds(projections: Sequence[Projection]) -> frozenset[str]:
    """Every kind of entity that one of ``projections`` looks up."""
    return frozenset().union(*(projection.looks_up for projection in projections))
