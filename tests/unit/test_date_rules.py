"""The date rules, with no database: the days a reduced date allows (``events.date_range``), the
order of precisions (``events.PRECISION_RANK``, the one table of it), the read models' date
columns (``service/read_models/dates.py``) and the cursors' check of a rank."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import events
from events import Occurred, date_range
from events.seed import SOURCE_ID
from service.queries.paging import InvalidPageCursor, SortKey
from service.read_models.dates import AFTER_MEETINGS, date_columns, occurred_of
from tests.unit.folding import SEED, folded, new_event

LENGTHS = {"year": 4, "month": 7, "day": 10}
days = st.dates(datetime.date(1000, 1, 1), datetime.date(9999, 12, 31))
precisions = st.sampled_from(sorted(LENGTHS))
ONE_DAY = datetime.timedelta(days=1)
EVIDENCE = [{"source_id": SOURCE_ID, "quote": "중기부"}]  # the article's words


def reduced(day: datetime.date, precision: str) -> str:
    return day.isoformat()[: LENGTHS[precision]]


@settings(deadline=None)
@given(days, precisions)
def test_a_reduced_date_allows_exactly_the_days_that_share_its_form(day, precision):
    value = reduced(day, precision)
    earliest, latest, found = date_range(value)
    assert found == precision
    assert earliest <= day <= latest
    assert reduced(earliest, precision) == reduced(latest, precision) == value
    assert reduced(earliest - ONE_DAY, precision) != value
    assert latest == datetime.date.max or reduced(latest + ONE_DAY, precision) != value


@settings(deadline=None)
@given(days, precisions, precisions)
def test_among_dates_that_start_on_one_day_the_less_precise_sorts_first(day, one, other):
    # The first day of a year is the first day of its January: every precision starts on it.
    first = day.replace(month=1, day=1)
    a, b = Occurred(date=reduced(first, one)), Occurred(date=reduced(first, other))
    assert (a.sort_key() < b.sort_key()) == (LENGTHS[one] < LENGTHS[other])


@settings(deadline=None)
@given(days, precisions)
def test_the_read_models_sort_columns_are_the_vocabularys_date_and_order(day, precision):
    value = reduced(day, precision)
    earliest, latest, rank = date_columns(value)
    assert (earliest, latest) == date_range(value)[:2]
    assert (earliest, rank) == Occurred(date=value).sort_key()


@settings(deadline=None)
@given(days, st.integers(-3, 8), st.integers(1, 2**62))
def test_a_cursor_carries_only_a_rank_a_row_can_have(day, rank, position):
    # A precision's rank, or that rank raised for an entry after the meetings it builds on.
    ranks = set(events.PRECISION_RANK.values())
    key = SortKey(day, rank, position).cursor()
    if rank in ranks | {r + AFTER_MEETINGS for r in ranks}:
        assert SortKey.parse(key) == SortKey(day, rank, position)
    else:
        with pytest.raises(InvalidPageCursor):
            SortKey.parse(key)


def _undated_statement_at(meeting_id: str, number: int):
    data = {
        "statement_id": f"undated-{number}", "speaker": {"kind": "agency", "id": "mss"},
        "kind": "remark", "text": "Words", "meeting": meeting_id,
        "evidence": EVIDENCE,
    }
    return new_event(f"statement-undated-{number}", "statement.made", data, number)


@settings(deadline=None)
@given(days, precisions)
def test_a_statement_without_a_date_has_its_meetings_date_as_corrected(day, precision):
    meeting = next(e for e in SEED if e.type == "meeting.held")
    meeting_id = meeting.stream_id.removeprefix("meeting-")
    corrected = {"date": reduced(day, precision)}
    correction = new_event(meeting.stream_id, "fact.corrected", {
        "target": str(meeting.id), "changes": {"occurred": corrected}, "reason": "r",
        "evidence": EVIDENCE,
    }, 1)
    statement = _undated_statement_at(meeting_id, 2)
    view = folded([*SEED, statement, correction]).view
    assert occurred_of(view, view.get(statement.id)) == Occurred(date=corrected["date"])


def test_a_statement_without_a_date_at_an_unknown_meeting_has_none():
    statement = _undated_statement_at("no-such-meeting", 1)
    view = folded([*SEED, statement]).view
    with pytest.raises(ValueError, match="meeting no-such-meeting not known"):
        occurred_of(view, view.get(statement.id))
