"""The agencies read model: each agency's profile, as corrected.

Its counts and latest activity are not kept here: they are read at query time from the
timeline's entries (service/queries/agencies.py), so they follow every correction and
retraction the timeline folds, with no second copy of the timeline's rules.
"""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import FactTable
from service.store import RecordedEvent

AGENCIES = FactTable("agencies", {"agency_id": "s.fact ->> 'agency_id'"})


def agency_registered(ops: Ops, event: RecordedEvent, fact: events.AgencyRegistered) -> None:
    AGENCIES.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    AGENCIES.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    AGENCIES.retract(ops, event, fact)


HANDLERS = {
    "agency.registered": agency_registered,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="agencies", tables=("agencies",), handlers=HANDLERS)
