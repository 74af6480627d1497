"""Reduced ISO 8601 dates: precision from the form, the days they allow, and timeline order."""

from __future__ import annotations

import datetime

import msgspec
import pytest

from events import Occurred, date_range

D = datetime.date


@pytest.mark.parametrize(
    ("value", "precision"), [("2025", "year"), ("2025-03", "month"), ("2025-03-24", "day")]
)
def test_the_precision_is_the_form_of_the_date(value: str, precision: str) -> None:
    assert Occurred(date=value).precision == precision


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-02", D(2025, 2, 1), D(2025, 2, 28)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2025-03", D(2025, 3, 1), D(2025, 3, 31)),
        ("2025-04", D(2025, 4, 1), D(2025, 4, 30)),
        ("2025-12", D(2025, 12, 1), D(2025, 12, 31)),
        ("2025-03-24", D(2025, 3, 24), D(2025, 3, 24)),
        ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29)),
    ],
)
def test_a_date_spans_the_days_its_precision_allows(value: str, earliest: D, latest: D) -> None:
    occurred = Occurred(date=value)
    assert (occurred.earliest(), occurred.latest()) == (earliest, latest)
    assert date_range(value)[:2] == (earliest, latest)


@pytest.mark.parametrize(
    "value",
    ["2025-02-30", "2025-02-29", "2025-13", "2025-00", "2025-04-31", "0000", "March", "25-03", "2025/03"],
)
def test_an_impossible_or_malformed_date_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match=f"invalid date '{value}'"):
        Occurred(date=value)


def test_a_less_precise_date_sorts_before_the_days_it_contains() -> None:
    values = ["2025-03-24", "2025-03-01", "2025-03", "2025-02", "2025", "2024-12-31", "2025-02-28"]
    ordered = sorted((Occurred(date=v) for v in values), key=Occurred.sort_key)
    assert [o.date for o in ordered] == [
        "2024-12-31",
        "2025",
        "2025-02",
        "2025-02-28",
        "2025-03",
        "2025-03-01",
        "2025-03-24",
    ]


def test_approximation_does_not_change_the_order() -> None:
    assert Occurred(date="2025-03", approximate=True).sort_key() == Occurred(date="2025-03").sort_key()


def test_occurred_is_encoded_as_an_object_with_the_sources_words() -> None:
    occurred = Occurred(date="2025-02", original="지난달")
    assert msgspec.json.decode(msgspec.json.encode(occurred)) == {
        "date": "2025-02",
        "approximate": False,
        "original": "지난달",
    }
    assert msgspec.json.decode('{"date": "2025-02", "original": "지난달"}', type=Occurred) == occurred
