"""The live path's fact view: the facts a batch needs, read back from the ``facts`` table.

A batch needs the targets of its amendments, the entities its facts look up (a statement's
speakers and meeting, a status change's announcement), and, when an entity that others look
up changes, the facts that refer to it and what those look up in turn. A few indexed queries
per batch; the facts of the batch itself join the view as the fold records them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import cast

import asyncpg
import msgspec

from events import (
    AMENDING_TYPES,
    CREATING_TYPES,
    Event,
    EventError,
    FactCorrected,
    FactRetracted,
    decode_stored_trusted,
)
from service.projections.fact_view import Fact, FactView, entity_kind, lookups_of
from service.store import RecordedEvent

_COLUMNS = """event_id, stream_id, position, type, recorded_at, fact::text, corrections::text,
    retraction::text, lookups"""

_BY_ID_OR_ENTITY = f"""SELECT {_COLUMNS} FROM facts
    WHERE known_until IS NULL AND (event_id = ANY ($1::uuid[]) OR entity = ANY ($2::text[]))"""

_REFERRERS = f"""SELECT {_COLUMNS} FROM facts
    WHERE known_until IS NULL AND lookups && $1::text[]"""

_list = msgspec.json.Decoder(list)
_object = msgspec.json.Decoder(dict)


def fact_of_row(row: asyncpg.Record) -> Fact:
    """A fact from a row of ``_COLUMNS``' shape (the ``facts`` table, or a rebuild's spill)."""
    return Fact(
        event_id=row[0],
        stream_id=row[1],
        position=row[2],
        type=row[3],
        recorded_at=row[4],
        json=row[5],
        corrections=_list.decode(row[6]),
        retraction=_object.decode(row[7]) if row[7] is not None else None,
        lookups=tuple(row[8]),
    )


async def load_view(
    connection: asyncpg.Connection, batch: Sequence[RecordedEvent], lookup_kinds: frozenset[str]
) -> tuple[FactView, dict[uuid.UUID, Event]]:
    """The view, and the batch's events decoded on the way (the fold takes them as they are)."""
    view = FactView(lookup_kinds)
    decoded: dict[uuid.UUID, Event] = {}
    targets: set[uuid.UUID] = set()
    wanted: set[str] = set()
    changed: set[str] = set()
    for event in batch:
        try:
            value = decode_stored_trusted(event.type, event.schema_version, event.data)
        except EventError:
            continue  # the fold skips it
        decoded[event.event_id] = value
        if event.type in AMENDING_TYPES:
            targets.add(cast(FactCorrected | FactRetracted, value).target)
            continue
        wanted.update(lookups_of(event.type, event.stream_id, value, lookup_kinds))
        if event.type in CREATING_TYPES and entity_kind(event.stream_id) in lookup_kinds:
            changed.add(event.stream_id)  # facts may refer to it already (a log out of order)
    if not (targets or wanted or changed):
        return view, decoded
    derived_again = []
    for row in await connection.fetch(_BY_ID_OR_ENTITY, list(targets), list(wanted)):
        fact = view.keep(fact_of_row(row))
        if fact.event_id in targets:
            derived_again.append(fact)
            if fact.entity and entity_kind(fact.entity) in lookup_kinds:
                changed.add(fact.entity)
    if changed:
        rows = await connection.fetch(_REFERRERS, list(changed))
        derived_again += [view.keep(fact_of_row(row)) for row in rows]
    # What the facts derived again look up, as the handlers will ask for it.
    missing = {s for fact in derived_again for s in fact.lookups if view.entity(s) is None}
    await _keep_entities(connection, view, missing)
    return view, decoded


async def _keep_entities(connection: asyncpg.Connection, view: FactView, streams: Iterable[str]) -> None:
    streams = list(streams)
    if streams:
        for row in await connection.fetch(_BY_ID_OR_ENTITY, [], streams):
            view.keep(fact_of_row(row))
