"""The organizations read model: companies, institutes and groups."""

from __future__ import annotations

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView


def organization_registered(view: FactView, fact: Fact) -> Rows:
    yield "organizations", (fact.value.organization_id, fact.event_id)


PROJECTION = Projection(
    name="organizations",
    tables={"organizations": ("organization_id", "event_id")},
    handlers={"organization.registered": organization_registered},
)
