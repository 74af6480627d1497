"""Where each entry sits on the drawn timeline: a shared time axis, with month ticks, and each
entry's period as a share of it (a day is a point; a month or a year a span over its days)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

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
    end: date
    """The day after the last day shown."""

    @classmethod
    def around(cls, periods: Sequence[tuple[date, date]]) -> Axis:
        """From the month before the earliest period to the month after the latest, so that a
        month-precision span never fills the whole axis."""
        if not periods:
            today = date.today()
            return cls(today.replace(day=1), _next_month(today.replace(day=1)))
        first = _previous_month(min(earliest for earliest, _ in periods).replace(day=1))
        last = max(latest for _, latest in periods)
        return cls(first, _next_month(_next_month(last.replace(day=1))))

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def _share(self, day: date) -> float:
        return round(100 * (day - self.start).days / self.days, 3)

    def place(self, earliest: date, latest: date, precision: str) -> Placement:
        if precision == "day":
            # A point in the middle of its day.
            return Placement(left=round(self._share(earliest) + 50 / self.days, 3), width=0.0, span=False)
        left = self._share(earliest)
        return Placement(left=left, width=self._share(latest + timedelta(days=1)) - left, span=True)

    def ticks(self) -> list[Tick]:
        ticks = []
        month = self.start
        while month < self.end:
            ko, en = month_tick(month)
            ticks.append(Tick(left=self._share(month), label_ko=ko, label_en=en))
            month = _next_month(month)
        # Too many months for the width: keep every n-th label.
        step = max(1, len(ticks) // 12 + (1 if len(ticks) % 12 else 0))
        return ticks[::step]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)
