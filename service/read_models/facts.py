"""The facts read model: each fact's corrected state, kept once for every other model to join.

One row per fact: its current JSON, the corrections and retraction that amended it, its state,
the entity it creates and the entities it looks up (which the live path reads back as the
handlers' fact view, ``service/projections/loading.py``).
"""

from __future__ import annotations

import msgspec

from service.projections.base import EveryType, Projection, Rows
from service.projections.fact_view import Fact, FactView

COLUMNS = (
    "event_id", "stream_id", "position", "type", "recorded_at", "fact", "corrections",
    "retraction", "state", "entity", "lookups",
)

_encode = msgspec.json.encode


def fact_row(view: FactView, fact: Fact) -> Rows:
    retraction = _encode(fact.retraction).decode() if fact.retraction is not None else None
    yield "facts", (
        fact.event_id, fact.stream_id, fact.position, fact.type, fact.recorded_at, fact.json,
        _encode(fact.corrections).decode(), retraction, fact.state, fact.entity,
        list(fact.lookups),
    )


PROJECTION = Projection(
    name="facts",
    tables={"facts": COLUMNS},
    handlers=EveryType(fact_row),
)
