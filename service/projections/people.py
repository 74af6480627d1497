"""The people read model: each person with their affiliations, as corrected."""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import FactTable
from service.store import RecordedEvent

PEOPLE = FactTable(
    "people",
    {
        "person_id": "s.fact ->> 'person_id'",
        "affiliation_ids": (
            "ARRAY(SELECT a ->> 'id' FROM jsonb_array_elements(s.fact -> 'affiliations') AS a)"
        ),
    },
)


def person_registered(ops: Ops, event: RecordedEvent, fact: events.PersonRegistered) -> None:
    PEOPLE.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    PEOPLE.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    PEOPLE.retract(ops, event, fact)


HANDLERS = {
    "person.registered": person_registered,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="people", tables=("people",), handlers=HANDLERS)
