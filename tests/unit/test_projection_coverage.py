"""Every read model handles or explicitly ignores every event type of the vocabulary, so a new
event type cannot silently miss a view (or crash a query that meets it)."""

from __future__ import annotations

import pytest

from events import EVENT_TYPES
from service.read_models import PROJECTIONS


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_each_event_type_is_handled_or_ignored_on_purpose(projection):
    accounted = set(projection.handlers) | projection.ignored
    assert accounted == set(EVENT_TYPES), (
        f"{projection.name}: unaccounted {sorted(set(EVENT_TYPES) - accounted)}, "
        f"unknown {sorted(accounted - set(EVENT_TYPES))}"
    )


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_each_table_names_the_fact_its_rows_derive_from(projection):
    for table, columns in projection.tables.items():
        assert "event_id" in columns, table


def test_projection_names_and_tables_are_unique():
    names = [projection.name for projection in PROJECTIONS]
    tables = [table for projection in PROJECTIONS for table in projection.tables]
    assert len(set(names)) == len(names) and len(set(tables)) == len(tables)
