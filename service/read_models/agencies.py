"""The agencies read model: each registered agency. Its profile is its fact (``facts``); its
counts and latest activity are read from the timeline's entries at query time, so they follow
every correction and retraction the timeline folds."""

from __future__ import annotations

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView


def agency_registered(view: FactView, fact: Fact) -> Rows:
    yield "agencies", (fact.value.agency_id, fact.event_id)


PROJECTION = Projection(
    name="agencies",
    tables={"agencies": ("agency_id", "event_id")},
    handlers={"agency.registered": agency_registered},
)
