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

Every event type is either handled or listed in ``ignored`` by each projection, on purpose
(``tests/unit/test_projection_coverage.py``): a new event type cannot silently miss a view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.projections.fact_view import Fact, FactView

Row = tuple[Any, ...]
Rows = Iterable[tuple[str, Row]]
Handler = Callable[[FactView, Fact], Rows]
"""``handler(view, fact) -> [(table, row), ...]``: the rows of one fact, as it stands now."""

VERSION_COLUMNS = ("made_by", "known_from", "known_until")
"""Added by the engine to every row: the position and ``recorded_at`` of the event that made
the version, and the ``recorded_at`` of the one that replaced it (null while current)."""


@dataclass(frozen=True)
class Projection:
    name: str
    """Stable name, used in URLs (``/projections/timeline``), checkpoints and lock keys."""
    tables: Mapping[str, tuple[str, ...]]
    """Each table the projection owns (created by Alembic) -> its columns, ``event_id``
    among them: the fact a row derives from. Iterating gives the table names."""
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    """Event type -> handler."""
    ignored: frozenset[str] = frozenset()
    """Event types this projection derives nothing from (still checkpointed)."""
    looks_up: frozenset[str] = frozenset()
    """Kinds of entity (``person``, ``meeting``, ``initiative``) whose facts the handlers read
    through the view: when one changes, the facts that refer to it are derived again."""

    def __post_init__(self) -> None:
        for table, columns in self.tables.items():
            if "event_id" not in columns:
                raise ValueError(f"{self.name}: table {table} needs an event_id column")
        both = set(self.handlers) & self.ignored
        if both:
            raise ValueError(f"{self.name}: both handled and ignored: {sorted(both)}")


DEFAULT_BATCH_SIZE = 500
"""Events per batch of the live path, and of a rebuild's catch-up after its bulk pass."""


def as_projections(projections: Projection | Sequence[Projection]) -> tuple[Projection, ...]:
    return (projections,) if isinstance(projections, Projection) else tuple(projections)


def lookup_kinds(projections: Sequence[Projection]) -> frozenset[str]:
    """Every kind of entity that one of ``projections`` looks up."""
    return frozenset().union(*(projection.looks_up for projection in projections))
