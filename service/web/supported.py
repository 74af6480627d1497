"""What a source supports, as its page lists it: the facts by kind, in words, each with its
quotes and the corrections and retractions of it folded under it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.queries.sources import AMENDMENTS, SupportedFact

KINDS = {
    "meeting.held": "Meetings",
    "statement.made": "Statements",
    "initiative.announced": "Initiatives",
    "initiative.status_changed": "Status changes of initiatives",
    "agency.registered": "Agencies",
    "organization.registered": "Organizations",
    "person.registered": "People",
    "source.registered": "Sources",
}
ELSEWHERE = "Corrections of facts quoted from other sources"
"""Amendments whose fact does not quote this source."""
ITSELF = "This source"
"""Amendments of the source's own registration (its note, its title)."""
AMENDMENT_WORDS = {"fact.corrected": "Correction", "fact.retracted": "Retraction"}


@dataclass
class SupportedEntry:
    """One fact: every quote it takes from the source, and its amendments' quotes."""

    event_id: uuid.UUID
    type: str
    state: str
    quotes: list[SupportedFact] = field(default_factory=list)
    amendments: list[SupportedFact] = field(default_factory=list)


@dataclass
class KindGroup:
    label: str
    entries: list[SupportedEntry]


def by_kind(facts: Sequence[SupportedFact], source_event_id: uuid.UUID) -> list[KindGroup]:
    """The facts in ``KINDS``' order (then any other type, by name), each kind in log order;
    then the amendments of the source itself and of facts that quote other sources."""
    entries: dict[uuid.UUID, SupportedEntry] = {}
    for fact in facts:
        if fact.type not in AMENDMENTS:
            entry = entries.setdefault(
                fact.event_id, SupportedEntry(fact.event_id, fact.type, fact.state)
            )
            entry.quotes.append(fact)
    itself = SupportedEntry(source_event_id, "source.registered", "active")
    elsewhere = SupportedEntry(uuid.UUID(int=0), "", "active")
    for fact in facts:
        if fact.type in AMENDMENTS:
            if fact.target == source_event_id:
                itself.amendments.append(fact)
            else:
                target = entries.get(fact.target) if fact.target is not None else None
                (target or elsewhere).amendments.append(fact)
    groups: dict[str, list[SupportedEntry]] = {}
    for entry in entries.values():
        groups.setdefault(entry.type, []).append(entry)
    order = [t for t in KINDS if t in groups] + sorted(t for t in groups if t not in KINDS)
    listed = [KindGroup(KINDS.get(t, t.replace(".", " ").capitalize()), groups[t]) for t in order]
    listed += [
        KindGroup(label, [entry])
        for label, entry in ((ITSELF, itself), (ELSEWHERE, elsewhere))
        if entry.amendments
    ]
    return listed
