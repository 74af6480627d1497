"""Reduced ISO 8601 dates ("2025", "2025-03", "2025-03-24") with their precision."""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Annotated, Literal

import msgspec

from events.base import TRUSTED, Text, Value
from events.patterns import pattern, rule

Precision = Literal["year", "month", "day"]

_PRECISIONS: dict[int, Precision] = {4: "year", 7: "month", 10: "day"}
PRECISION_RANK: dict[Precision, int] = {"year": 0, "month": 1, "day": 2}
"""The order of precisions in a timeline, among values that start on the same day: the less
precise first (2025 before 2025-01 before 2025-01-01). The one table of it: the read models
store it (``precision_rank``) and their cursors carry it."""

DATE_PATTERN = pattern(
    r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(?!\n)$", "a date like 2025-03-24, 2025-03 or 2025"
)
_FORM = re.compile(DATE_PATTERN)

ReducedDate = Annotated[str, msgspec.Meta(pattern=DATE_PATTERN)]


def date_range(value: str) -> tuple[datetime.date, datetime.date, Precision]:
    """The first and last day that `value` allows, and its precision; ValueError if it is no date."""
    if not _FORM.match(value):
        raise ValueError(f"invalid date {value!r}: expected {rule(DATE_PATTERN)}")
    precision = _PRECISIONS[len(value)]
    try:
        if precision == "day":
            day = datetime.date.fromisoformat(value)
            return day, day, precision
        year = int(value[:4])
        if precision == "year":
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31), precision
        first = datetime.date(year, int(value[5:7]), 1)
        return first, first.replace(day=calendar.monthrange(year, first.month)[1]), precision
    except ValueError as error:
        raise ValueError(f"invalid date {value!r} ({error})") from None


class Occurred(Value, frozen=True, kw_only=True):
    """When something happened, as precisely as the source says and no more.

    `original` keeps the source's own words ("지난달", "24일"); `approximate` marks a value that
    the source only implies ("최근" in a March article: 2025-03, approximate).
    """

    date: ReducedDate
    approximate: bool = False
    original: Text | None = None

    def __post_init__(self) -> None:
        if TRUSTED.get():
            return
        date_range(self.date)  # msgspec adds the path, e.g. " - at `$.occurred`"

    @property
    def precision(self) -> Precision:
        return date_range(self.date)[2]

    def earliest(self) -> datetime.date:
        return date_range(self.date)[0]

    def latest(self) -> datetime.date:
        return date_range(self.date)[1]

    def sort_key(self) -> tuple[datetime.date, int]:
        """Earliest day first, then the less precise value first (2025-03 before 2025-03-01)."""
        start, _, precision = date_range(self.date)
        return start, PRECISION_RANK[precision]
