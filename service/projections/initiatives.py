"""The initiatives read model: each announcement and status change, as corrected.

The current state of an initiative (service/queries/initiatives.py) is its announcement with
the status of the latest history item that is not retracted, in timeline order.
"""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import OCCURRED, FactTable
from service.store import RecordedEvent

HISTORY = FactTable(
    "initiative_history",
    {
        "initiative_id": "s.fact ->> 'initiative_id'",
        "agency_id": "s.fact ->> 'agency'",  # the announcement's; NULL for a status change
        **OCCURRED,
    },
)


def initiative_announced(ops: Ops, event: RecordedEvent, fact: events.InitiativeAnnounced) -> None:
    HISTORY.insert(ops, event)


def status_changed(ops: Ops, event: RecordedEvent, fact: events.InitiativeStatusChanged) -> None:
    HISTORY.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    HISTORY.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    HISTORY.retract(ops, event, fact)


HANDLERS = {
    "initiative.announced": initiative_announced,
    "initiative.status_changed": status_changed,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="initiatives", tables=("initiative_history",), handlers=HANDLERS)
