"""Search indexes take new rows through a small pending list (GIN fastupdate), not one by one.

Written through (0006: fastupdate off), each row the live path folds inserts every one of its
distinct bigrams into the index: a few hundred index entries a row, so at 1,000 appends a second
the projector's COPYs into ``timeline_entries`` and ``statements`` fell behind (append → visible
p99 9.8 s, measured in bench/replay). With a pending list, rows are appended to it and merged
into the index in bulk when it passes ``gin_pending_list_limit`` (512 kB here, a small one), so
a search scans at most that much besides the index. The other GIN index (``facts`` lookups) is
read by the live path itself on every batch and stays written through.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = (
    "timeline_entries_search", "statements_search", "meetings_search", "initiative_history_search"
)
PENDING_LIST_KB = 512


def upgrade() -> None:
    for index in INDEXES:
        op.execute(
            f"ALTER INDEX {index} SET (fastupdate = on, gin_pending_list_limit = {PENDING_LIST_KB})"
        )


def downgrade() -> None:
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
