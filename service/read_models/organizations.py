"""The organizations read model: companies, institutes and groups."""

from __future__ import annotations

from service.projections.base import Projection
from service.projections.state import Fact, FactView


def organization_registered(view: FactView, fact: Fact):
    yield "organizations", (fact.value.organization_id, fact.event_id)


PROJECTION = Projection(
    name="organizations",
    tables={"organizations": ("organization_id", "event_id")},
    handlers={"organization.registered": organization_registered},
)
