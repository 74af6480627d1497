"""The sort key that the read models store and page by (``date_columns`` and ``SortKey``):
the earliest day a date allows, then its precision (year, month, day), then the position of
the fact in the log (DESIGN 3). A month comes before a day that starts on its first day even
when the day was recorded first. An entry that builds on meetings sorts after them
(``sort_columns``)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from service.queries.paging import SortKey
from service.read_models.dates import AFTER_MEETINGS, date_columns, sort_columns


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


# An entry that builds on meetings (an announcement's ``meetings``) sorts after them.

class StubFact:
    def __init__(self, reduced: str, meetings: tuple[str, ...] = ()) -> None:
        self.value = SimpleNamespace(occurred=SimpleNamespace(date=reduced), meetings=meetings)


class StubView:
    """The fact view as ``sort_columns`` reads it: meetings by stream."""

    def __init__(self, meetings: dict[str, str]) -> None:
        self.meetings = {f"meeting-{m}": StubFact(reduced) for m, reduced in meetings.items()}

    def entity(self, stream_id: str):
        return self.meetings.get(stream_id)


def within(reduced: str):
    """Reduced dates that start within the period of ``reduced``."""
    first, last, _ = date_columns(reduced)
    return st.dates(first, last).flatmap(
        lambda day: st.sampled_from(starting_on(day) + [day.isoformat()[:7], day.isoformat()[:4]])
    ).filter(lambda other: first <= date_columns(other)[0] <= last)


@st.composite
def built_on_meetings(draw):
    """An entry's date and the dates of one to three meetings it builds on, each starting
    within its period (what the article describes: the guide of March, the roundtable of the
    24th), and the positions of all of them."""
    own = draw(reduced_dates())
    meetings = draw(st.lists(within(own), min_size=1, max_size=3))
    positions = draw(st.lists(st.integers(1, 2**40), min_size=len(meetings) + 1,
                              max_size=len(meetings) + 1, unique=True))
    return own, meetings, positions


def starts(earliest: datetime.date, latest: datetime.date, rank: int) -> datetime.date:
    """What ``starts_sql`` computes, in Python (its SQL is checked on PostgreSQL in
    tests/integration/read_models/test_built_on_meetings.py)."""
    if rank < AFTER_MEETINGS:
        return earliest
    precision = rank - AFTER_MEETINGS
    return [latest.replace(month=1, day=1), latest.replace(day=1), latest][precision]


@given(built_on_meetings())
def test_an_entry_sorts_after_every_meeting_it_builds_on_and_what_was_said_there(case) -> None:
    own, meetings, (at, *meeting_positions) = case
    view = StubView({f"m{i}": reduced for i, reduced in enumerate(meetings)})
    fact = StubFact(own, tuple(f"m{i}" for i in range(len(meetings))))
    day, latest, rank = sort_columns(view, fact)
    entry = SortKey(day, rank, at)
    for reduced, position in zip(meetings, meeting_positions, strict=True):
        # The meeting, and a statement made there (its date, any position).
        assert entry > sort_key(reduced, position)
        assert entry > sort_key(reduced, 2**41)
    first, last, own_rank = date_columns(own)
    assert first <= day <= last and latest == last  # sorted within its own days
    assert starts(day, latest, rank) == first  # and filtered by them
    assert rank in (own_rank, own_rank + AFTER_MEETINGS)


@given(reduced_dates(), st.lists(reduced_dates(), max_size=3))
def test_an_entry_already_after_its_meetings_or_without_any_keeps_its_own_key(own, meetings) -> None:
    view = StubView({f"m{i}": reduced for i, reduced in enumerate(meetings)})
    fact = StubFact(own, tuple(f"m{i}" for i in range(len(meetings))))
    own_key = date_columns(own)
    meeting_keys = [date_columns(m)[::2] for m in meetings]
    if all(own_key[::2] > key for key in meeting_keys):
        assert sort_columns(view, fact) == own_key
    else:
        day, latest, rank = sort_columns(view, fact)
        assert rank == own_key[2] + AFTER_MEETINGS and latest == own_key[1]
        # A meeting after its own last day (contradictory data) moves it no further.
        assert own_key[0] <= day <= own_key[1]


def test_a_meeting_not_known_moves_nothing() -> None:
    assert sort_columns(StubView({}), StubFact("2025-03", ("roundtable",))) == date_columns("2025-03")
