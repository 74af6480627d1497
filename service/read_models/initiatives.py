"""The initiatives read model: each announcement and status change, in timeline order.

The current state of an initiative (service/queries/initiatives.py) is its announcement with
the status of the latest history item that is not retracted. An announcement that builds on
meetings sorts after them (``sort_columns``), so the model looks meetings up.
"""

from __future__ import annotations

from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView
from service.read_models.dates import sort_columns
from service.read_models.search import fact_texts, search_columns


def history_item(view: FactView, fact: Fact) -> Rows:
    item = fact.value
    agency = getattr(item, "agency", None)  # the announcement's; none on a status change
    yield "initiative_history", (
        item.initiative_id, fact.event_id, fact.type, agency,
        *sort_columns(view, fact), fact.position,
        *search_columns(fact_texts(item)),
    )


PROJECTION = Projection(
    name="initiatives",
    tables={"initiative_history": (
        "initiative_id", "event_id", "type", "agency_id",
        "earliest", "latest", "precision_rank", "position", "search_text",
    )},
    handlers={"initiative.announced": history_item, "initiative.status_changed": history_item},
    looks_up=frozenset({"meeting"}),
)
