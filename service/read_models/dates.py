"""A fact's date as the sort and filter columns of the read models."""

from __future__ import annotations

import functools
from datetime import date

import events
from service.projections.fact_view import Fact, FactView

AFTER_MEETINGS = 3
"""Added to the precision rank of an entry sorted after the meetings it builds on (ranks 3-5:
after everything else that starts on its sort day; ``rank - AFTER_MEETINGS`` is its precision)."""


@functools.lru_cache(maxsize=65_536)
def date_columns(reduced: str) -> tuple[date, date, int]:
    """(earliest, latest, precision rank) of a reduced date: "2025-02" is Feb 1 to 28, rank 1.
    Timelines sort by earliest day, then precision (year, month, day), then position."""
    earliest, latest, precision = events.date_range(reduced)
    return earliest, latest, events.PRECISION_RANK[precision]


def occurred_of(view: FactView, fact: Fact) -> events.Occurred:
    """A fact's own date, or for a statement without one, its meeting's date as corrected (the
    projections that call this look meetings up, so a corrected meeting moves the statement)."""
    own = fact.value.occurred
    if own is not None:
        return own
    meeting = view.entity(f"meeting-{fact.value.meeting}")
    if meeting is None:
        raise ValueError(f"statement {fact.value.statement_id}: meeting {fact.value.meeting} not known")
    return meeting.value.occurred


def sort_columns(view: FactView, fact: Fact) -> tuple[date, date, int]:
    """(earliest, latest, rank) that a fact sorts and is filtered by: its date's
    (``date_columns`` of ``occurred_of``), except for an entry that builds on meetings (an
    announcement's ``meetings``) whose own key would not sort after the last of them. That one
    sorts on the last meeting's earliest day (never past its own latest day) with its rank
    raised by ``AFTER_MEETINGS``: after the meeting and what was said there
    (docs/read-models.md, "The ordering rule"). Meetings are read as corrected from the view
    (the projections that call this look meetings up)."""
    earliest, latest, rank = date_columns(occurred_of(view, fact).date)
    meetings = [view.entity(f"meeting-{m}") for m in getattr(fact.value, "meetings", ())]
    last = max(
        ((day, rank_) for day, _, rank_ in (
            date_columns(m.value.occurred.date) for m in meetings if m is not None
        )),
        default=None,
    )
    if last is None or (earliest, rank) > last:
        return earliest, latest, rank
    return min(last[0], latest), latest, rank + AFTER_MEETINGS


def starts_sql(alias: str) -> str:
    """SQL of the first day of the row's own date (``earliest`` unless it sorts after meetings:
    then the start of the period at its precision that holds ``latest``)."""
    return (
        f"CASE WHEN {alias}.precision_rank < {AFTER_MEETINGS} THEN {alias}.earliest"
        f" ELSE date_trunc((ARRAY['year', 'month', 'day'])[{alias}.precision_rank"
        f" - {AFTER_MEETINGS - 1}], {alias}.latest::timestamp)::date END"
    )
