"""The people read model: each person, with the ids of what they are affiliated with."""

from __future__ import annotations

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView


def person_registered(view: FactView, fact: Fact) -> Rows:
    person = fact.value
    affiliations = list(dict.fromkeys(a.id for a in person.affiliations))
    yield "people", (person.person_id, fact.event_id, affiliations)


PROJECTION = Projection(
    name="people",
    tables={"people": ("person_id", "event_id", "affiliation_ids")},
    handlers={"person.registered": person_registered},
)
