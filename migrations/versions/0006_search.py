"""Search: each searchable row's normalized text and its character bigrams, GIN-indexed.

``timeline_entries``, ``statements``, ``meetings`` and ``initiative_history`` get
``search_text`` (titles, texts, summaries, notes and evidence quotes, normalized by
``service/read_models/search.py``) and ``search_grams`` (its distinct character bigrams), which
the projection handlers fill. A search for ``q`` is ``search_grams @> bigrams(q)`` (this
index) and ``strpos(search_text, q) > 0`` (the recheck). One index per table serves current
rows and ``as_of`` reads alike (replaced versions are few); written through like the other GIN
indexes (fastupdate off), so a search never scans a pending list.

The new lists page in timeline order by keyset: meetings, and initiatives by their
announcements (all of them, or an agency's), get the indexes of that order.

Rows folded before this migration have empty columns until a rebuild fills them:
``policy-timeline replay timeline initiatives meetings statements`` (blue/green; readers keep
the old tables until the swap). A new database folds them filled from the start.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("timeline_entries", "statements", "meetings", "initiative_history")

ORDER_INDEXES = {
    "meetings_order": "meetings (earliest, precision_rank, position)",
    "initiative_history_announcements_order":
        "initiative_history (earliest, precision_rank, position)"
        " WHERE type = 'initiative.announced'",
    "initiative_history_agency_order":
        "initiative_history (agency_id, earliest, precision_rank, position)"
        " WHERE type = 'initiative.announced'",
}


def upgrade() -> None:
    for table in TABLES:
        # The defaults fill the rows already there; dropped after, so that a row written
        # without its search columns is an error, not a row that no search finds.
        op.execute(
            f"""ALTER TABLE {table}
                ADD COLUMN search_text text NOT NULL DEFAULT '',
                ADD COLUMN search_grams text[] NOT NULL DEFAULT '{{}}'"""
        )
        op.execute(
            f"""ALTER TABLE {table}
                ALTER COLUMN search_text DROP DEFAULT,
                ALTER COLUMN search_grams DROP DEFAULT"""
        )
        op.execute(
            f"CREATE INDEX {table}_search ON {table} USING gin (search_grams)"
            " WITH (fastupdate = off)"
        )
    for name, definition in ORDER_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {definition}")


def downgrade() -> None:
    for name in ORDER_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for table in reversed(TABLES):
        op.execute(f"DROP INDEX {table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_grams, DROP COLUMN search_text")
