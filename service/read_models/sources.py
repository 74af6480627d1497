"""The sources read model: each registered document, and every fact that quotes one.

``source_facts`` lists, for each source, the facts whose evidence quotes it now (corrections
and retractions included: they cite evidence too); the quotes themselves are the facts'.
"""

from __future__ import annotations

from service.projections.base import EveryType, Projection, Rows
from service.projections.fact_view import Fact, FactView


def source_registered(view: FactView, fact: Fact) -> Rows:
    yield "sources", (fact.value.source_id, fact.event_id)
    yield from quoted_sources(view, fact)


def quoted_sources(view: FactView, fact: Fact) -> Rows:
    cited = dict.fromkeys(e.source_id for e in getattr(fact.value, "evidence", ()))
    for source_id in cited:
        yield "source_facts", (source_id, fact.event_id, fact.position)


PROJECTION = Projection(
    name="sources",
    tables={
        "sources": ("source_id", "event_id"),
        "source_facts": ("source_id", "event_id", "position"),
    },
    handlers=EveryType(quoted_sources, own={"source.registered": source_registered}),
)
