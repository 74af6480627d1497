"""The statements read model: what was said, proposed, presented or pledged, by whom, where."""

from __future__ import annotations

import events
from service.projections.base import Projection, Rows
from service.projections.fact_view import Fact, FactView
from service.read_models.dates import date_columns, occurred_of
from service.read_models.search import fact_texts, search_columns


def speaker_ids(statement: events.StatementMade, kind: str | None = None) -> list[str]:
    """The speaker's id, or for a group the ids of the members the source names."""
    actors: list[events.Speaker | events.ActorRef] = [statement.speaker, *statement.speaker.members]
    return list(dict.fromkeys(
        actor.id for actor in actors if actor.id is not None and kind in (None, actor.kind)
    ))


def statement_made(view: FactView, fact: Fact) -> Rows:
    statement = fact.value
    yield "statements", (
        statement.statement_id, fact.event_id, speaker_ids(statement), statement.meeting,
        statement.kind, *date_columns(occurred_of(view, fact).date), fact.position,
        *search_columns(fact_texts(statement)),
    )


PROJECTION = Projection(
    name="statements",
    tables={"statements": (
        "statement_id", "event_id", "speaker_ids", "meeting_id", "kind",
        "earliest", "latest", "precision_rank", "position", "search_text",
    )},
    handlers={"statement.made": statement_made},
    looks_up=frozenset({"meeting"}),  # a statement without a date of its own has its meeting's
)
