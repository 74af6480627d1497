"""ANALYZE leaves the search indexes' expressions alone: no statistics on ``search_bigrams``.

An expression index has statistics of its own, and ANALYZE computes them by evaluating the
expression on every sampled row: ``search_bigrams(search_text)`` (migration 0009) for 30,000
rows of long Korean text, 2.2-2.6 s per table instead of 0.08 s without (100,000 rows on
PostgreSQL 15, measured). The live runner ANALYZEs its tables every 50,000 events and a rebuild
ANALYZEs every copy before the swap, so the four search indexes cost seconds each time.

No plan needs those statistics: a list does not leave the choice between its walk and the
bitmap plan to the planner (service/queries/search.py), and the bitmap plan's estimate for
``@>`` without them is PostgreSQL's default share, as good as the one they gave (docs/read-models.md
says how far off that was). A rebuild copies the setting to its new indexes with the rest of
each index's definition (service/projections/build_tables.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXES = (
    "timeline_entries_search", "statements_search", "meetings_search", "initiative_history_search"
)


def upgrade() -> None:
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS 0")


def downgrade() -> None:
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS -1")
