"""Where each entry sits on the drawn timeline: a shared time axis, with month ticks, and each
entry's period as a share of it (a day is a point; a month or a year a span over its days)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from service.web.labels import month_tick


@dataclass(frozen=True)
class Placement:
    left: float
    """Where the period starts, in percent of the axis."""
    width: float
    """How much of the axis it covers, in percent; 0 for a point."""
    span: bool


@dataclass(frozen=True)
class Tick:
    left: float
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class Axis:
    start: date
    last: date
    """The last day shown (not the day after it, which year 9999 does not have)."""

    @classmethod
    def around(cls, periods: Sequence[tuple[date, date]]) -> Axis:
        """From the month before the earliest period to the month after the latest, so that a
        month-precision span never fills the whole axis (no margin beyond years 1 and 9999)."""
        if not periods:
            month = date.today().replace(day=1)
            return cls(month, _last_day(month))
        first = min(earliest for earliest, _ in periods).replace(day=1)
        last = max(latest for _, latest in periods).replace(day=1)
        return cls(_previous_month(first) or first, _last_day(_next_month(last) or last))

    @property
    def days(self) -> int:
        return (self.last - self.start).days + 1

    def _share(self, days: int) -> float:
        """``days`` after the start, in percent of the axis."""
        return round(100 * days / self.days, 3)

    def place(self, earliest: date, latest: date, precision: str) -> Placement:
        offset = (earliest - self.start).days
        if precision == "day":
            # A point in the middle of its day.
            return Placement(left=round(self._share(offset) + 50 / self.days, 3), width=0.0, span=False)
        left = self._share(offset)
        return Placement(left=left, width=self._share((latest - self.start).days + 1) - left, span=True)

    def ticks(self) -> list[Tick]:
        ticks = []
        month: date | None = self.start
        while month is not None and month <= self.last:
            ko, en = month_tick(month)
            ticks.append(Tick(left=self._share((month - self.start).days), label_ko=ko, label_en=en))
            month = _next_month(month)
        # Too many months for the width: keep every n-th label.
        step = max(1, len(ticks) // 12 + (1 if len(ticks) % 12 else 0))
        return ticks[::step]


def _next_month(day: date) -> date | None:
    if (day.year, day.month) == (date.max.year, 12):
        return None
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(day: date) -> date | None:
    if (day.year, day.month) == (date.min.year, 1):
        return None
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def _last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])
