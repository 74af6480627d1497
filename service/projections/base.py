"""What a projection is: a name, the tables it owns, and one table from event type to handler.

Handlers do no I/O. Each one adds SQL statements to an ``Ops`` buffer; the runner sends the
buffer for a whole batch of events, so a batch costs a few round trips, not a few per event.
Lookups that a handler needs (a person's agencies, a meeting's organiser) are written into
the statement itself (``INSERT ... SELECT ... FROM lookup``), so a statement sees the effect
of every earlier one.

Two kinds of statement:

- ``add(sql, *args)``: sent as is; consecutive ones with the same SQL go as one
  ``executemany`` (in order, so updates of one row apply in order);
- ``add_row(sql, *args)``: a statement written over arrays (``unnest($1::uuid[], ...)``);
  consecutive rows of the same statement are sent as ONE call with each argument gathered
  into an array — set-based, for inserts whose rows do not depend on each other.

Every statement has a ``phase`` (default 0). The batch is sent phase by phase, each phase in
the order its statements were added. A projection uses later phases for work that depends on
the whole batch's facts and is recomputed from them (the timeline's entries): doing it once,
after every fact of the batch is written, gives the same tables as doing it after each event.

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
    """The statements a batch of events turns into."""

    __slots__ = ("statements",)

    def __init__(self) -> None:
        # (phase, sql, as_rows, args), in the order added
        self.statements: list[tuple[int, str, bool, tuple]] = []

    def add(self, sql: str, *args: object, phase: int = 0) -> None:
        self.statements.append((phase, sql, False, args))

    def add_row(self, sql: str, *args: object, phase: int = 0) -> None:
        self.statements.append((phase, sql, True, args))

    def runs(self) -> list[tuple[str, bool, list[tuple]]]:
        """(sql, as_rows, argument tuples): phase by phase, consecutive equal statements merged."""
        grouped: list[tuple[str, bool, list[tuple]]] = []
        for _, sql, as_rows, args in sorted(self.statements, key=lambda item: item[0]):
            if grouped and grouped[-1][0] == sql and grouped[-1][1] == as_rows:
                grouped[-1][2].append(args)
            else:
                grouped.append((sql, as_rows, [args]))
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
