"""An entry that builds on meetings is ordered after them, in every list and export, on the
seed (PIPC's guide, a month, after the roundtable of the 24th whose results it is based on),
and filtered by its own days (``starts_sql`` on PostgreSQL)."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings

from service.read_models.dates import date_columns, sort_columns, starts_sql
from tests.integration.exports.conftest import api, timeline_json  # noqa: F401
from tests.unit.test_timeline_order import StubFact, StubView, built_on_meetings

GUIDE = "pipc-generative-ai-guide"
ROUNDTABLE = "pipc-ai-startup-roundtable"
MEASURES = "mss-ai-startup-competitiveness-measures"
REVIEW = "mss-workforce-policy-review"


def after(order: list[str], later: str, earlier: str) -> bool:
    return order.index(later) > order.index(earlier)


async def test_the_guide_follows_the_roundtable_on_the_timeline_and_in_its_exports(api):  # noqa: F811
    entries = await timeline_json(api, "pipc")
    order = [e["subject"]["id"] for e in entries]
    assert order[-1] == GUIDE  # after the roundtable and all that was said there
    assert after(order, GUIDE, ROUNDTABLE)
    csv_answer = await api.get("/agencies/pipc/timeline", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(csv_answer.content.decode("utf-8-sig"), newline="")))
    assert [row["event_id"] for row in rows] == [e["event_id"] for e in entries]
    timelinejs = await api.get("/agencies/pipc/timeline", params={"format": "timelinejs"})
    assert timelinejs.status_code == 200, timelinejs.text
    ids = [event["unique_id"] for event in timelinejs.json()["events"]]
    assert ids == [e["event_id"] for e in entries]
    # The measures follow the review meeting they build on on MSS's timeline too.
    mss = [e["subject"]["id"] for e in await timeline_json(api, "mss")]
    assert after(mss, MEASURES, REVIEW)


async def test_the_initiative_lists_order_announcements_after_their_meetings(api):  # noqa: F811
    listed = (await api.get("/initiatives", params={"limit": 100})).json()["initiatives"]
    order = [i["initiative_id"] for i in listed]
    assert order == [
        "mss-ai-startup-ai-diffusion-plan",  # February
        "kr-government-open-source-ai-model-support",  # March, no meeting
        MEASURES,  # March, after the review meeting (March): after all of March 1
        GUIDE,  # March, after the roundtable of the 24th
    ]
    pages, cursor = [], None
    while True:  # the same order a page at a time: the cursors take the raised ranks
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        answer = (await api.get("/initiatives", params=params)).json()
        pages += [i["initiative_id"] for i in answer["initiatives"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert pages == order
    timeline_pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = (await api.get("/agencies/pipc/timeline", params=params)).json()
        timeline_pages += [e["subject"]["id"] for e in answer["entries"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert timeline_pages == [e["subject"]["id"] for e in await timeline_json(api, "pipc")]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=built_on_meetings())
async def test_starts_sql_gives_the_first_day_of_the_entrys_own_date(pool, case):
    own, meetings, _ = case
    view = StubView({f"m{i}": reduced for i, reduced in enumerate(meetings)})
    day, latest, rank = sort_columns(view, StubFact(own, tuple(f"m{i}" for i in range(len(meetings)))))
    starts = await pool.fetchval(
        f"SELECT {starts_sql('r')} FROM (SELECT $1::date AS earliest, $2::date AS latest,"
        " $3::smallint AS precision_rank) AS r",
        day, latest, rank,
    )
    assert starts == date_columns(own)[0]
