"""The timeline page's pure parts: the axis, date labels, the search filter and quote cutting."""

from __future__ import annotations

from datetime import date

from service.web.axis import Axis
from service.web.labels import date_label
from service.web.quotes import cut


def test_a_month_is_a_span_inside_an_axis_padded_by_a_month_each_side():
    axis = Axis.around([(date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 3, 24), date(2025, 3, 24))])
    assert (axis.start, axis.last) == (date(2025, 2, 1), date(2025, 4, 30))
    month = axis.place(date(2025, 3, 1), date(2025, 3, 31), "month")
    day = axis.place(date(2025, 3, 24), date(2025, 3, 24), "day")
    assert month.span and not day.span and day.width == 0
    assert month.left < day.left < month.left + month.width
    assert [t.label_ko for t in axis.ticks()] == ["2025.2", "2025.3", "2025.4"]


def test_an_axis_over_december_runs_into_the_next_year():
    axis = Axis.around([(date(2024, 12, 5), date(2024, 12, 5))])
    assert (axis.start, axis.last) == (date(2024, 11, 1), date(2025, 1, 31))


def test_an_axis_stops_at_years_1_and_9999():
    axis = Axis.around([(date.min, date.min), (date(9999, 12, 1), date.max)])
    assert (axis.start, axis.last) == (date.min, date.max)
    assert axis.place(date.min, date.min, "day").left < 0.001
    end = axis.place(date(9999, 12, 1), date.max, "month")
    assert end.left + end.width == 100
    ticks = axis.ticks()
    assert ticks[0].label_ko == "1.1" and len(ticks) <= 12


def test_reduced_dates_read_as_people_write_them():
    assert date_label("2025-02") == ("2025년 2월", "Feb 2025")
    assert date_label("2025-03-24") == ("2025년 3월 24일", "24 Mar 2025")
    assert date_label("2025", approximate=True) == ("2025년경", "c. 2025")


def test_a_quote_is_cut_at_its_exact_occurrence():
    passage = cut("가나다 가나다", "가나다", occurrence=2)
    assert (passage.before, passage.quote, passage.after, passage.found) == ("가나다 ", "가나다", "", True)
    assert not cut("가나다", "라마").found
    assert cut("가나다", None).before == "가나다"


def test_only_web_addresses_become_links():
    from events import web_url

    for url in ("https://www.startupall.kr/", "HTTP://example.org/a?b=c", "http://[::1]:8000/"):
        assert web_url(url) == url
    for url in ("javascript:alert(1)", " javascript:alert(1)", "java\nscript:alert(1)",
                "data:text/html,x", "//example.org/", "www.example.org", "https:///path",
                "mailto:a@example.org", "http://[::1"):
        assert web_url(url) is None, url
