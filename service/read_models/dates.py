"""A fact's date as the sort and filter columns of the read models."""

from __future__ import annotations

import functools
from datetime import date

import events


@functools.lru_cache(maxsize=65_536)
def date_columns(reduced: str) -> tuple[date, date, int]:
    """(earliest, latest, precision rank) of a reduced date: "2025-02" is Feb 1 to 28, rank 1.
    Timelines sort by earliest day, then precision (year, month, day), then position."""
    earliest, latest, precision = events.date_range(reduced)
    return earliest, latest, events.PRECISION_RANK[precision]


def occurred_of(view, fact) -> events.Occurred:
    """A fact's own date, or for a statement without one, its meeting's date as corrected (the
    projections that call this look meetings up, so a corrected meeting moves the statement)."""
    own = fact.value.occurred
    if own is not None:
        return own
    meeting = view.entity(f"meeting-{fact.value.meeting}")
    if meeting is None:
        raise ValueError(f"statement {fact.value.statement_id}: meeting {fact.value.meeting} not known")
    return meeting.value.occurred
