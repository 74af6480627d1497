"""The meetings read model: each meeting as corrected. Its statements are the statements
read model's, looked up by meeting at query time."""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import OCCURRED, FactTable
from service.store import RecordedEvent

MEETINGS = FactTable(
    "meetings",
    {"meeting_id": "s.fact ->> 'meeting_id'", "organiser": "s.fact ->> 'organiser'", **OCCURRED},
)


def meeting_held(ops: Ops, event: RecordedEvent, fact: events.MeetingHeld) -> None:
    MEETINGS.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    MEETINGS.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    MEETINGS.retract(ops, event, fact)


HANDLERS = {
    "meeting.held": meeting_held,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="meetings", tables=("meetings",), handlers=HANDLERS)
