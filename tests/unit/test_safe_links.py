"""Every renderer links a URL only through ``events.web_url``: a value that is no web address
(one in read models folded before the vocabulary refused it) is never an ``href``."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from events import Place
from service.exports.ical import event_lines
from service.queries.timeline import Subject, TimelineEntry
from service.web.engine import template_config
from service.web.quotes import cut

NOT_WEB = ["javascript:alert(document.domain)", " javascript:alert(1)", "data:text/html,x"]


def render(template: str, **context) -> str:
    return template_config().to_engine().get_template(template).render(**context)


def a_source(url: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        source_id="s", title="기사", publisher=None, published=None, language="ko", url=url,
        text="본문.", facts=[],
    )


@pytest.mark.parametrize("url", NOT_WEB)
def test_the_source_view_links_no_other_url(url):
    page = render("source.html", source=a_source(url), passage=cut("본문.", None), quote=None)
    assert "javascript" not in page and "data:" not in page
    assert "원문" not in page


def test_the_source_view_links_a_web_address():
    url = "https://www.korea.kr/a?b=1&c=2"
    page = render("source.html", source=a_source(url), passage=cut("본문.", None), quote=None)
    assert 'href="https://www.korea.kr/a?b=1&amp;c=2"' in page


@pytest.mark.parametrize("url", NOT_WEB)
def test_a_place_shows_another_url_as_text_only(url):
    engine = template_config().to_engine()
    macros = engine.engine.get_template("_macros.html").module
    place = SimpleNamespace(name_ko="장소", name_en="Place", note=None, url=url)
    html = str(macros.place(place))
    assert "href" not in html


def a_meeting_at(url: str | None) -> TimelineEntry:
    day = date(2025, 3, 24)
    return TimelineEntry(
        event_id=uuid.uuid4(), position=1, evidence=[], source_ids=[], state="active",
        corrections=[], retraction=None, recorded_at=datetime(2025, 3, 24, tzinfo=UTC),
        date="2025-03-24", precision="day", earliest=day, latest=day, approximate=False,
        original_words=None, type="meeting.held", roles=["organiser"],
        subject=Subject(kind="meeting", id="m"), title_ko="회의", title_en=None,
        summary_ko=None, summary_en=None, kind="roundtable", status=None, meeting_id="m",
        place=Place(name_ko="장소", name_en="Place", url=url), participants=[],
    )


@pytest.mark.parametrize("url", NOT_WEB)
def test_a_calendar_links_no_other_url(url):
    lines = "\n".join(event_lines(a_meeting_at(url)))
    assert "ALTREP" not in lines and "javascript" not in lines and "data:" not in lines


def test_a_calendar_links_a_web_address():
    lines = event_lines(a_meeting_at("https://www.startupall.kr/"))
    assert 'LOCATION;ALTREP="https://www.startupall.kr/":장소 (Place)' in lines
