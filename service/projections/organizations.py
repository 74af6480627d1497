"""The organizations read model: companies, institutes and groups, as corrected."""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import FactTable
from service.store import RecordedEvent

ORGANIZATIONS = FactTable("organizations", {"organization_id": "s.fact ->> 'organization_id'"})


def organization_registered(
    ops: Ops, event: RecordedEvent, fact: events.OrganizationRegistered
) -> None:
    ORGANIZATIONS.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    ORGANIZATIONS.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    ORGANIZATIONS.retract(ops, event, fact)


HANDLERS = {
    "organization.registered": organization_registered,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="organizations", tables=("organizations",), handlers=HANDLERS)
