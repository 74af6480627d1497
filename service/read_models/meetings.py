"""The meetings read model: each meeting by organiser and date. Its statements are the
statements model's, looked up by meeting at query time."""

from __future__ import annotations

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView
from service.read_models.dates import date_columns
from service.read_models.search import fact_texts, search_columns


def meeting_held(view: FactView, fact: Fact) -> Rows:
    meeting = fact.value
    yield "meetings", (
        meeting.meeting_id, fact.event_id, meeting.organiser,
        *date_columns(meeting.occurred.date), fact.position,
        *search_columns(fact_texts(meeting)),
    )


PROJECTION = Projection(
    name="meetings",
    tables={"meetings": (
        "meeting_id", "event_id", "organiser", "earliest", "latest", "precision_rank", "position",
        "search_text",
    )},
    handlers={"meeting.held": meeting_held},
)
