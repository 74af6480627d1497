"""The sources read model: each registered document, and every fact that quotes one.

``source_facts`` holds every event with evidence (registrations that cite one, facts, and the
corrections and retractions themselves), as corrected, so a source lists the facts it supports
with the quotes they take from it now, and their state.
"""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import FactTable
from service.store import RecordedEvent

SOURCES = FactTable("sources", {"source_id": "s.fact ->> 'source_id'"})

SOURCE_FACTS = FactTable(
    "source_facts",
    {
        "source_ids": (
            "ARRAY(SELECT DISTINCT e ->> 'source_id'"
            " FROM jsonb_array_elements(s.fact -> 'evidence') AS e)"
        )
    },
)


def source_registered(ops: Ops, event: RecordedEvent, fact: events.SourceRegistered) -> None:
    SOURCES.insert(ops, event)


def fact_recorded(ops: Ops, event: RecordedEvent, fact: events.Event) -> None:
    if getattr(fact, "evidence", ()):
        SOURCE_FACTS.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    SOURCES.correct(ops, event, fact)
    SOURCE_FACTS.correct(ops, event, fact)
    SOURCE_FACTS.insert(ops, event)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    SOURCES.retract(ops, event, fact)
    SOURCE_FACTS.retract(ops, event, fact)
    SOURCE_FACTS.insert(ops, event)


HANDLERS = {
    "source.registered": source_registered,
    "agency.registered": fact_recorded,
    "organization.registered": fact_recorded,
    "person.registered": fact_recorded,
    "initiative.announced": fact_recorded,
    "initiative.status_changed": fact_recorded,
    "meeting.held": fact_recorded,
    "statement.made": fact_recorded,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="sources", tables=("sources", "source_facts"), handlers=HANDLERS)
