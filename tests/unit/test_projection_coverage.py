"""Every event type of the vocabulary is read by a read model of its own (or is an amendment),
so a new event type cannot silently miss every view; each handler table names only types of
the vocabulary. (What the timeline shows of a type: tests/unit/test_timeline_types.py.)"""

from __future__ import annotations

import pytest

from events import EVENT_TYPES
from service.projections.base import unread_types
from service.read_models import PROJECTIONS


def test_each_event_type_is_read_on_purpose():
    assert unread_types(PROJECTIONS) == set()


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_each_handled_type_is_of_the_vocabulary(projection):
    assert set(projection.handlers) <= set(EVENT_TYPES), projection.name


@pytest.mark.parametrize("projection", PROJECTIONS, ids=lambda p: p.name)
def test_each_table_names_the_fact_its_rows_derive_from(projection):
    for table, columns in projection.tables.items():
        assert "event_id" in columns, table


def test_projection_names_and_tables_are_unique():
    names = [projection.name for projection in PROJECTIONS]
    tables = [table for projection in PROJECTIONS for table in projection.tables]
    assert len(set(names)) == len(names) and len(set(tables)) == len(tables)
