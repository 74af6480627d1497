"""A table of facts as corrected: how every read model records a fact, a correction, a retraction.

Each such table (see migration 0003) keeps the fact's current JSON in ``fact``: the data as
recorded, with the ``changes`` of every ``fact.corrected`` merged over its top-level fields
(``fact || changes``, the same rule as ``events.apply_changes``, which the append path has
already run on each correction). The columns a read model sorts, filters or joins on are
SQL expressions over that JSON, so a correction recomputes them in the same UPDATE and the
handlers stay free of I/O. Nothing is deleted: a correction is appended to ``corrections``
with the values it replaced, a retraction is kept in ``retraction``.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

import events
from service.projections.base import Ops
from service.store import RecordedEvent

# When a fact happened, as the columns that timelines sort and filter on.
OCCURRED: dict[str, str] = {
    "earliest": "public.pt_reduced_date_earliest(s.fact -> 'occurred' ->> 'date')",
    "latest": "public.pt_reduced_date_latest(s.fact -> 'occurred' ->> 'date')",
    "precision_rank": "public.pt_reduced_date_rank(s.fact -> 'occurred' ->> 'date')",
}


class FactTable:
    """The statements that keep one table of facts. ``derived`` maps each extra column to an
    SQL expression over ``s.fact`` (the fact's current JSON) and ``s.type`` (its event type)."""

    def __init__(self, name: str, derived: Mapping[str, str]) -> None:
        self.name = name
        columns = ", ".join(derived)
        expressions = ", ".join(derived.values())
        # Written over arrays: the facts of a whole batch go in one statement (Ops.add_row).
        self._insert = f"""INSERT INTO {name} (event_id, stream_id, position, type, recorded_at,
                fact, corrections, retraction, state, {columns})
            SELECT s.event_id, s.stream_id, s.position, s.type, s.recorded_at,
                s.fact, '[]'::jsonb, NULL, 'active', {expressions}
            FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[],
                        $6::jsonb[]) AS s(event_id, stream_id, position, type, recorded_at, fact)"""
        self._correct = f"""UPDATE {name} AS t SET
                fact = t.fact || $2::jsonb,
                corrections = t.corrections || jsonb_build_array(jsonb_build_object(
                    'event_id', $3::text,
                    'changes', $2::jsonb,
                    'previous', (SELECT jsonb_object_agg(k, t.fact -> k)
                                 FROM jsonb_object_keys($2::jsonb) AS k),
                    'reason', $4::text,
                    'evidence', $5::jsonb,
                    'recorded_at', $6::text)),
                state = CASE WHEN t.retraction IS NULL THEN 'corrected' ELSE 'retracted' END,
                ({columns}) = (SELECT {expressions}
                               FROM (SELECT t.fact || $2::jsonb AS fact, t.type) AS s)
            WHERE t.event_id = $1::uuid"""
        self._retract = f"""UPDATE {name} SET state = 'retracted',
                retraction = jsonb_build_object('event_id', $2::text, 'reason', $3::text,
                                                'evidence', $4::jsonb, 'recorded_at', $5::text)
            WHERE event_id = $1::uuid"""

    def insert(self, ops: Ops, event: RecordedEvent) -> None:
        ops.add_row(
            self._insert,
            event.event_id,
            event.stream_id,
            event.position,
            event.type,
            event.recorded_at,
            bytes(event.data).decode(),
        )

    def correct(self, ops: Ops, event: RecordedEvent, correction: events.FactCorrected) -> None:
        """Apply the changes if the target is in this table (else the UPDATE matches nothing)."""
        ops.add(
            self._correct,
            correction.target,
            msgspec.json.encode(correction.changes).decode(),
            str(event.event_id),
            correction.reason,
            msgspec.json.encode(correction.evidence).decode(),
            event.recorded_at.isoformat(),
        )

    def retract(self, ops: Ops, event: RecordedEvent, retraction: events.FactRetracted) -> None:
        ops.add(
            self._retract,
            retraction.target,
            str(event.event_id),
            retraction.reason,
            msgspec.json.encode(retraction.evidence).decode(),
            event.recorded_at.isoformat(),
        )
