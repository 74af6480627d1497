"""The statements read model: what was said, proposed, presented or pledged, as corrected."""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import OCCURRED, FactTable
from service.store import RecordedEvent

# The speaker's id, or for a group the ids of the members the source names.
SPEAKER_IDS = """ARRAY(SELECT x ->> 'id' FROM jsonb_array_elements(
        jsonb_build_array(s.fact -> 'speaker')
        || coalesce(s.fact -> 'speaker' -> 'members', '[]'::jsonb)) AS x
    WHERE x ->> 'id' IS NOT NULL)"""

STATEMENTS = FactTable(
    "statements",
    {
        "statement_id": "s.fact ->> 'statement_id'",
        "speaker_ids": SPEAKER_IDS,
        "meeting_id": "s.fact ->> 'meeting'",
        "kind": "s.fact ->> 'kind'",
        **OCCURRED,
    },
)


def statement_made(ops: Ops, event: RecordedEvent, fact: events.StatementMade) -> None:
    STATEMENTS.insert(ops, event)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    STATEMENTS.correct(ops, event, fact)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    STATEMENTS.retract(ops, event, fact)


HANDLERS = {
    "statement.made": statement_made,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(name="statements", tables=("statements",), handlers=HANDLERS)
