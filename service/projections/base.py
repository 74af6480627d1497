"""What a projection is: a name, the tables it owns, and one table from event type to handler.

Handlers do no I/O. Each one adds SQL statements to an ``Ops`` buffer; the runner sends the
buffer for a whole batch of events in order, grouping consecutive runs of the same statement
into one ``executemany``. Lookups that a handler needs (a person's agencies, a meeting's
organiser) are written into the statement itself (``INSERT ... SELECT ... FROM lookup``), so a
statement sees the effect of every earlier one and the batch needs no round trip per event.

Table names in statements are unqualified: the runner sets ``search_path`` so that the same
handlers write the live tables, the tables of a blue/green rebuild, or the temporary tables of
an ``as_of`` fold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import events
from service.store import RecordedEvent


class Ops:
    """The statements a batch of events turns into, in order."""

    __slots__ = ("statements",)

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple]] = []

    def add(self, sql: str, *args: object) -> None:
        self.statements.append((sql, args))

    def runs(self) -> list[tuple[str, list[tuple]]]:
        """Consecutive statements with the same SQL, grouped for ``executemany``."""
        grouped: list[tuple[str, list[tuple]]] = []
        for sql, args in self.statements:
            if grouped and grouped[-1][0] == sql:
                grouped[-1][1].append(args)
            else:
                grouped.append((sql, [args]))
        return grouped

    def __len__(self) -> int:
        return len(self.statements)


Handler = Callable[[Ops, RecordedEvent, events.Event], None]
"""``handler(ops, recorded_event, decoded_fact)``: add the statements that fold this event in."""


@dataclass(frozen=True)
class Projection:
    name: str
    """Stable name, used in URLs (``/projections/timeline``), checkpoints and lock keys."""
    tables: tuple[str, ...]
    """Every table the projection owns (created by Alembic), copied for a rebuild."""
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    """Event type -> handler. Events of other types are skipped (but still checkpointed)."""
