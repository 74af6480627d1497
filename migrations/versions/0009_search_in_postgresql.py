"""Search where the database can do it: each fact's text stored once, its bigrams by PostgreSQL.

Until now each searchable row of ``timeline_entries``, ``statements``, ``meetings`` and
``initiative_history`` carried ``search_text`` and ``search_grams`` (its bigrams, computed in
Python and copied as ``text[]``): the text of a statement was stored once for ``statements``
and once per agency in ``timeline_entries``, and computing and copying the grams was most of
a rebuild's time. Now:

- ``search_bigrams(text)``: the text's character bigrams, none spanning the ``\\n`` between
  its parts (duplicates are left in; GIN keeps each key once), the same set as
  ``service.read_models.search.bigrams``. The text is split into its characters
  (``string_to_array(t, NULL)``) and each is paired with the next: no regular expression
  (measured: 2-5x faster than two ``regexp_replace`` passes, which also need a filter for the
  pairs that span a separator). Its body has a FROM clause, so the planner never inlines it,
  and ``COST 10000`` stands: a cheap or inlined function let the generic plan of a search
  walk a whole order index to evaluate it row by row (0.2 -> 18 ms for a rare term).
- ``fact_search`` (the ``search`` read model, service/read_models/search.py): one versioned
  row per fact of the lists (meeting, announcement, status change with its initiative's
  titles, statement) with its normalized ``search_text``; the lists find their matches by
  ``event_id`` in it. Its GIN index is on ``(search_bigrams(search_text)) COLLATE "C"``:
  the keys compare bytewise, which builds the index faster than in the database's collation
  (equality of keys is all that ``@>`` needs, and it is the same in both).
- The GIN index takes new rows through a small pending list, as migration 0007 decided for
  the indexes it replaces: written through, each row the live path folds inserts a few hundred
  entries one by one; a search scans at most ``gin_pending_list_limit`` (512 kB) besides the
  index. A fact is now one row, not one per list and agency, so the live path inserts a
  quarter to a half of the entries it did.
- The lists' ``search_text``/``search_grams`` columns and their GIN indexes are dropped.

One index serves current rows and ``as_of`` reads alike (replaced versions are few); current
rows have their own unique index by ``event_id`` (closes, and the walk's lookups), and every
version is found by ``(event_id, known_from)``.

Rows folded before this migration: ``fact_search`` is empty and the ``search`` projection has
no checkpoint. The projector that next leads the projections finds ``search`` behind ``facts``
and rebuilds it from the log before it follows the others (``ProjectionRunner``:
``_rebuild_lagging``), so no command is needed; until that rebuild swaps in, searches find
nothing older. ``policy-timeline replay search`` does the same by hand. (Filling the table
here from the old columns would not give the rows a rebuild gives: their versions follow
other lookups, and rows folded before 0006 had no text.)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = ("timeline_entries", "statements", "meetings", "initiative_history")
PENDING_LIST_KB = 512

FUNCTION = r"""CREATE FUNCTION search_bigrams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000
    AS $$
        SELECT coalesce(array_agg(pair.a || pair.b), '{}')
        FROM (SELECT string_to_array(t, NULL) AS c) AS chars,
             unnest(chars.c, chars.c[2:]) AS pair (a, b)
        WHERE pair.a <> E'\n' AND pair.b <> E'\n'
    $$"""


def upgrade() -> None:
    op.execute(FUNCTION)
    op.execute(
        """CREATE TABLE fact_search (
               event_id     uuid NOT NULL,
               search_text  text NOT NULL,
               made_by      bigint NOT NULL,
               known_from   timestamptz NOT NULL,
               known_until  timestamptz
           )"""
    )
    op.execute(
        "CREATE UNIQUE INDEX fact_search_current ON fact_search (event_id)"
        " WHERE known_until IS NULL"
    )
    op.execute("CREATE INDEX fact_search_versions ON fact_search (event_id, known_from)")
    op.execute(
        """CREATE INDEX fact_search_grams ON fact_search
               USING gin ((search_bigrams(search_text) COLLATE "C"))"""
        f" WITH (fastupdate = on, gin_pending_list_limit = {PENDING_LIST_KB})"
    )
    for table in TABLES:
        op.execute(f"DROP INDEX {table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_text, DROP COLUMN search_grams")


def downgrade() -> None:
    # As migration 0006 left them: empty until ``policy-timeline replay timeline initiatives
    # meetings statements`` fills them.
    for table in reversed(TABLES):
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
            f" WITH (fastupdate = on, gin_pending_list_limit = {PENDING_LIST_KB})"
        )
    op.execute("DROP TABLE fact_search")
    for table in ("projection_checkpoints", "projection_replays", "projection_skipped_events"):
        op.execute(f"DELETE FROM {table} WHERE name = 'search'")
    op.execute("DROP FUNCTION search_bigrams(text)")
