"""The search read model: each fact's normalized search text, stored once (``fact_search``).

The lists that show a fact (``timeline_entries``, ``statements``, ``meetings``,
``initiative_history``) hold no text of their own: they find their matches by ``event_id`` in
``fact_search`` (service/queries/search.py), whose GIN index on
``search_bigrams(search_text)`` (migration 0009) finds the facts that have a query's bigrams.
One row per fact, versioned like every read-model row, so an ``as_of`` search reads the text
as it was known then: its titles, texts, summaries, notes and evidence quotes, normalized once
(``search.search_text``), and for a status change its initiative's titles too (the timeline
titles it by them, so that a search finds it by the title it shows; the initiatives list finds
the same initiatives either way, its announcement having those titles as known at the same
instant).
"""

from __future__ import annotations

from service.projections.base import Projection
from service.projections.state import Fact, FactView
from service.read_models.search import fact_texts, search_text


def search_row(view: FactView, fact: Fact):
    yield "fact_search", (fact.event_id, search_text(fact_texts(fact.value)))


def status_changed(view: FactView, fact: Fact):
    """A status change is found by its initiative's titles too, as the timeline shows it."""
    announcement = view.entity(fact.stream_id)
    titles = () if announcement is None else (
        announcement.value.title_ko, announcement.value.title_en
    )
    yield "fact_search", (fact.event_id, search_text([*titles, *fact_texts(fact.value)]))


PROJECTION = Projection(
    name="search",
    tables={"fact_search": ("event_id", "search_text")},
    handlers={
        "meeting.held": search_row,
        "initiative.announced": search_row,
        "initiative.status_changed": status_changed,
        "statement.made": search_row,
    },
    ignored=frozenset({
        "source.registered", "agency.registered", "organization.registered", "person.registered",
        "fact.corrected", "fact.retracted",
    }),
    looks_up=frozenset({"initiative"}),
)
