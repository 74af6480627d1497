"""Search bigrams computed by PostgreSQL, not by Python: an SQL function under GIN expression indexes.

Until now each searchable row of ``timeline_entries``, ``statements``, ``meetings`` and
``initiative_history`` carried ``search_grams``, its bigrams computed in Python and copied as
``text[]``: computing and copying them was most of a rebuild's time (issue 19). Now:

- ``search_bigrams(text)``: the text's character bigrams, none spanning the ``\\n`` between
  its parts (duplicates are left in; GIN keeps each key once), the same set as
  ``service.read_models.search.bigrams``. The text is split into its characters
  (``string_to_array(t, NULL)``) and each is paired with the next: no regular expression.
  Measured on 2,000 Korean texts of 414 characters (PostgreSQL 15): 260-370 ms, as fast as two
  ``regexp_replace(…, '..', …)`` passes with the filter they need (230-380 ms; without it,
  175 ms, but a text of odd length joins its last character to the next pass's first pair,
  and the pairs across a separator become one-character keys that nearly every row has),
  5x faster than one pass with a capture group that drops those pairs (1.8 s). Its body has
  a FROM clause, so the planner never inlines it, and ``COST 10000`` stands: a cheap or
  inlined function let the generic plan of a search walk a whole order index to evaluate it
  row by row (0.2 -> 18 ms for a rare term).
- ``search_grams`` and its GIN indexes are dropped; each table's ``<table>_search`` is now a
  GIN index on ``(search_bigrams(search_text)) COLLATE "C"``: the keys compare bytewise,
  which builds the index faster than in a linguistic collation (``@>`` needs only the
  equality of keys, the same in both; on a ``C.UTF-8`` database the gain is small: 14.6-15.6
  against 15.7-17.8 s for 92k statements, under load). Queries write that expression, ``COLLATE`` included,
  or the index is not used.
- Each index takes new rows through a small pending list, as migration 0007 decided for the
  indexes it replaces: written through, each row the live path folds inserts a few hundred
  entries one by one (append -> visible p99 9.8 s at 1,000 appends/s); a search scans at most
  ``gin_pending_list_limit`` (512 kB) besides the index.

``search_text`` stays as it is (the handlers' ``normalized`` text, unchanged by this
migration): the rows folded before it need no rebuild, the new indexes compute their bigrams
as they are built. (Rows folded before migration 0006 still have an empty text until
``policy-timeline replay timeline initiatives meetings statements``, as that migration says.)

A search text per fact, shared by the lists, in a table of its own was built and measured
first and given up: a list's walk then looks each row's fact up in that table, 3x the time
and 5.6x the buffers of a walk that reads the text in the row (docs/read-models.md, "Search").

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
PENDING_LIST = f"fastupdate = on, gin_pending_list_limit = {PENDING_LIST_KB}"

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
    for table in TABLES:
        op.execute(f"DROP INDEX {table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_grams")
        op.execute(
            f"""CREATE INDEX {table}_search ON {table}
                USING gin ((search_bigrams(search_text) COLLATE "C")) WITH ({PENDING_LIST})"""
        )


def downgrade() -> None:
    # The grams as the handlers computed them (distinct, sorted by code point: "C"), from the
    # text: a working database, no rebuild needed.
    for table in reversed(TABLES):
        op.execute(f"DROP INDEX {table}_search")
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_grams text[]")
        op.execute(
            f"""UPDATE {table} SET search_grams = ARRAY(
                    SELECT DISTINCT pair COLLATE "C"
                    FROM unnest(search_bigrams(search_text)) AS pair ORDER BY 1)"""
        )
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_grams SET NOT NULL")
        op.execute(
            f"CREATE INDEX {table}_search ON {table} USING gin (search_grams)"
            f" WITH ({PENDING_LIST})"
        )
    op.execute("DROP FUNCTION search_bigrams(text)")
