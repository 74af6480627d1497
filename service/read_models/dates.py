"""A fact's date as the sort and filter columns of the read models."""

from __future__ import annotations

import functools
from datetime import date

import events

PRECISION_RANK: dict[events.Precision, int] = {"year": 0, "month": 1, "day": 2}


@functools.lru_cache(maxsize=65_536)
def date_columns(reduced: str) -> tuple[date, date, int]:
    """(earliest, latest, precision rank) of a reduced date: "2025-02" is Feb 1 to 28, rank 1.
    Timelines sort by earliest day, then precision (year, month, day), then position."""
    earliest, latest, precision = events.date_range(reduced)
    return earliest, latest, PRECISION_RANK[precision]
