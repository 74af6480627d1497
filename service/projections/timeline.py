"""The timeline read model: one entry per fact per agency involved.

An agency is involved in a fact as its organiser (``meeting.held``), as the responsible agency
(``initiative.announced`` and, through the announcement, ``initiative.status_changed``), or
for ``statement.made`` as the speaker (the agency itself, or an agency a speaking person is
affiliated with) and as host (the organiser of the meeting where it was said).

``timeline_facts`` holds the facts, as corrected; ``timeline_people`` is this projection's own
person -> agencies lookup; ``timeline_entries`` lists each agency's entries with the sort
columns copied for a keyset scan. Entries are recomputed in SQL from those two tables after
every event that can change them: the fact itself, and the facts that look it up (statements
at a meeting, status changes of an initiative, statements of a person).
"""

from __future__ import annotations

import events
from service.projections.base import Ops, Projection
from service.projections.facts import OCCURRED, FactTable
from service.store import RecordedEvent

TYPES = ("meeting.held", "initiative.announced", "initiative.status_changed", "statement.made")


def _speaker_ids(kind: str) -> str:
    """The ids of the given kind among a statement's speaker and its group's named members."""
    return f"""ARRAY(SELECT x ->> 'id' FROM jsonb_array_elements(
            jsonb_build_array(s.fact -> 'speaker')
            || coalesce(s.fact -> 'speaker' -> 'members', '[]'::jsonb)) AS x
        WHERE x ->> 'kind' = '{kind}')"""


FACTS = FactTable(
    "timeline_facts",
    {
        "subject_id": """CASE s.type WHEN 'meeting.held' THEN s.fact ->> 'meeting_id'
            WHEN 'statement.made' THEN s.fact ->> 'statement_id'
            ELSE s.fact ->> 'initiative_id' END""",
        "meeting_id": """CASE s.type WHEN 'meeting.held' THEN s.fact ->> 'meeting_id'
            WHEN 'statement.made' THEN s.fact ->> 'meeting' END""",
        "speaker_person_ids": _speaker_ids("person"),
        "speaker_agency_ids": _speaker_ids("agency"),
        **OCCURRED,
    },
)

PEOPLE = FactTable(
    "timeline_people",
    {
        "person_id": "s.fact ->> 'person_id'",
        "agency_ids": """ARRAY(SELECT a ->> 'id'
            FROM jsonb_array_elements(s.fact -> 'affiliations') AS a
            WHERE a ->> 'kind' = 'agency')""",
    },
)

# The facts whose entries the events $1 may change: the facts they are or amend, the
# statements at a meeting, the status changes of an initiative, the statements of a person.
_AFFECTED = """affected AS MATERIALIZED (
    SELECT event_id FROM timeline_facts WHERE event_id = ANY ($1::uuid[])
    UNION
    SELECT event_id FROM timeline_facts WHERE meeting_id = ANY (ARRAY(
        SELECT subject_id FROM timeline_facts
        WHERE event_id = ANY ($1::uuid[]) AND type = 'meeting.held'))
    UNION
    SELECT event_id FROM timeline_facts
    WHERE type = 'initiative.status_changed' AND subject_id = ANY (ARRAY(
        SELECT subject_id FROM timeline_facts
        WHERE event_id = ANY ($1::uuid[]) AND type = 'initiative.announced'))
    UNION
    SELECT event_id FROM timeline_facts
    WHERE speaker_person_ids && ARRAY(  -- &&, not = ANY: the GIN index serves it
        SELECT person_id FROM timeline_people WHERE event_id = ANY ($1::uuid[]))
)"""

# The statements are shaped so that the plan cannot go wrong without table statistics (a
# rebuild's tables have none until it ends): the affected facts are found first, then read by
# key, then joined to their lookups one by one.
_DELETE_ENTRIES = f"""WITH {_AFFECTED}
    DELETE FROM timeline_entries
    WHERE event_id = ANY (ARRAY(SELECT event_id FROM affected))"""

# Lookups take the latest fact by position, although each meeting, initiative and person is
# created once (the append path enforces it).
_INSERT_ENTRIES = f"""WITH {_AFFECTED},
    facts AS MATERIALIZED (
        SELECT * FROM timeline_facts WHERE event_id = ANY (ARRAY(SELECT event_id FROM affected))
    )
    INSERT INTO timeline_entries
        (agency_id, event_id, roles, type, state, earliest, latest, precision_rank, position)
    SELECT involved.agency_id, f.event_id, array_agg(DISTINCT involved.role ORDER BY involved.role),
           f.type, f.state, f.earliest, f.latest, f.precision_rank, f.position
    FROM facts AS f
    CROSS JOIN LATERAL (
        SELECT f.fact ->> 'organiser', 'organiser' WHERE f.type = 'meeting.held'
        UNION ALL
        SELECT f.fact ->> 'agency', 'responsible' WHERE f.type = 'initiative.announced'
        UNION ALL
        (SELECT a.fact ->> 'agency', 'responsible' FROM timeline_facts AS a
         WHERE f.type = 'initiative.status_changed' AND a.type = 'initiative.announced'
           AND a.subject_id = f.subject_id
         ORDER BY a.position DESC LIMIT 1)
        UNION ALL
        SELECT agency_id, 'speaker' FROM unnest(f.speaker_agency_ids) AS agency_id
        UNION ALL
        SELECT unnest(p.agency_ids), 'speaker' FROM timeline_people AS p
        WHERE p.person_id = ANY (f.speaker_person_ids)
        UNION ALL
        (SELECT m.fact ->> 'organiser', 'host' FROM timeline_facts AS m
         WHERE f.type = 'statement.made' AND m.type = 'meeting.held'
           AND m.subject_id = f.meeting_id
         ORDER BY m.position DESC LIMIT 1)
    ) AS involved (agency_id, role)
    WHERE involved.agency_id IS NOT NULL
    GROUP BY involved.agency_id, f.event_id, f.type, f.state, f.earliest, f.latest,
             f.precision_rank, f.position"""

# Entries are a function of the facts: they are deleted and recomputed once per batch, after
# every fact of the batch is written (phases 1 and 2), for all the facts the batch touched.
# That gives the same entries as recomputing after each event, in a few statements.
_DELETE_PHASE, _INSERT_PHASE = 1, 2


def _refresh_entries(ops: Ops, event_id: object) -> None:
    ops.add_row(_DELETE_ENTRIES, event_id, phase=_DELETE_PHASE)
    ops.add_row(_INSERT_ENTRIES, event_id, phase=_INSERT_PHASE)


def fact_recorded(ops: Ops, event: RecordedEvent, fact: events.Event) -> None:
    FACTS.insert(ops, event)
    _refresh_entries(ops, event.event_id)


def person_registered(ops: Ops, event: RecordedEvent, fact: events.PersonRegistered) -> None:
    PEOPLE.insert(ops, event)
    _refresh_entries(ops, event.event_id)


def fact_corrected(ops: Ops, event: RecordedEvent, fact: events.FactCorrected) -> None:
    FACTS.correct(ops, event, fact)
    PEOPLE.correct(ops, event, fact)
    _refresh_entries(ops, fact.target)


def fact_retracted(ops: Ops, event: RecordedEvent, fact: events.FactRetracted) -> None:
    FACTS.retract(ops, event, fact)
    PEOPLE.retract(ops, event, fact)
    _refresh_entries(ops, fact.target)


HANDLERS = {
    "meeting.held": fact_recorded,
    "initiative.announced": fact_recorded,
    "initiative.status_changed": fact_recorded,
    "statement.made": fact_recorded,
    "person.registered": person_registered,
    "fact.corrected": fact_corrected,
    "fact.retracted": fact_retracted,
}

PROJECTION = Projection(
    name="timeline",
    tables=("timeline_facts", "timeline_people", "timeline_entries"),
    handlers=HANDLERS,
)
