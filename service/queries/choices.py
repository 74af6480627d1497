"""The registered entities a desk form's references suggest (type-ahead), by kind: ids with
their names, from the read models' current rows, at most ``limit`` of each kind."""

from __future__ import annotations

import asyncpg

_TABLES = {
    "agency": ("agencies", "agency_id", ""),
    "person": ("people", "person_id", ""),
    "organization": ("organizations", "organization_id", ""),
    "source": ("sources", "source_id", ""),
    "meeting": ("meetings", "meeting_id", ""),
    "initiative": ("initiative_history", "initiative_id", "AND x.type = 'initiative.announced'"),
}


async def entity_choices(
    connection: asyncpg.Connection, kinds: list[str], limit: int = 1000
) -> dict[str, list[tuple[str, str]]]:
    """``{"person": [("oh-young-ju", "오영주 · Oh Young-ju"), ...]}`` for the kinds asked; a
    retracted registration is no choice."""
    choices: dict[str, list[tuple[str, str]]] = {}
    for kind in kinds:
        if kind not in _TABLES:
            continue
        table, key, only = _TABLES[kind]
        rows = await connection.fetch(
            f"""SELECT x.{key} AS id,
                       coalesce(f.fact ->> 'name_ko', f.fact ->> 'title_ko', f.fact ->> 'title')
                           AS ko,
                       coalesce(f.fact ->> 'name_en', f.fact ->> 'title_en') AS en
                FROM {table} AS x
                JOIN facts AS f ON f.event_id = x.event_id AND f.known_until IS NULL
                WHERE x.known_until IS NULL AND f.state <> 'retracted' {only}
                ORDER BY x.{key} LIMIT $1""",
            limit,
        )
        choices[kind] = [(row["id"], " · ".join(n for n in (row["ko"], row["en"]) if n)) for row in rows]
    return choices
