"""The sort key that the read models store and page by (``date_columns`` and ``SortKey``):
the earliest day a date allows, then its precision (year, month, day), then the position of
the fact in the log (DESIGN 3). A month comes before a day that starts on its first day even
when the day was recorded first."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from service.queries.paging import SortKey
from service.read_models.dates import date_columns


def sort_key(reduced: str, position: int) -> SortKey:
    earliest, _, rank = date_columns(reduced)
    return SortKey(earliest, rank, position)


def test_a_month_sorts_before_a_day_on_its_first_day_recorded_before_it() -> None:
    assert sort_key("2025-03", position=9) < sort_key("2025-03-01", position=1)
    assert sort_key("2025-03", position=1) < sort_key("2025-03-02", position=9)


def test_a_year_sorts_before_its_first_month_before_its_first_day() -> None:
    keys = {value: sort_key(value, position) for value, position in
            [("2025-01-01", 1), ("2025-01", 2), ("2025", 3)]}
    assert sorted(keys, key=keys.get) == ["2025", "2025-01", "2025-01-01"]


def test_the_same_date_and_precision_sort_by_position() -> None:
    assert sort_key("2025-03", position=1) < sort_key("2025-03", position=2)


@st.composite
def reduced_dates(draw) -> str:
    day = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)))
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


def starting_on(day: datetime.date) -> list[str]:
    """Every reduced date whose earliest day is ``day``."""
    forms = [day.isoformat()]
    if day.day == 1:
        forms.append(day.isoformat()[:7])
        if day.month == 1:
            forms.append(day.isoformat()[:4])
    return forms


@st.composite
def two_dates(draw) -> tuple[str, str]:
    """Two reduced dates, the second half the time one that starts on the first's earliest
    day: a tie that the precision decides, which random days would seldom meet."""
    first = draw(reduced_dates())
    if draw(st.booleans()):
        return first, draw(st.sampled_from(starting_on(date_columns(first)[0])))
    return first, draw(reduced_dates())


@given(two_dates(), st.integers(1, 2**40), st.integers(1, 2**40))
def test_dates_sort_by_their_earliest_day_then_precision_then_position(dates, at_a, at_b) -> None:
    a, b = dates
    # A longer form is a more precise one (YYYY, YYYY-MM, YYYY-MM-DD).
    expected = (date_columns(a)[0], len(a), at_a) < (date_columns(b)[0], len(b), at_b)
    assert (sort_key(a, at_a) < sort_key(b, at_b)) == expected
