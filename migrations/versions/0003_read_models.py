"""The read models: one set of tables per projection, and the date functions their handlers use.

Every table that holds facts has the same first columns: the event, the fact's current JSON
(`fact`: the data as recorded with every correction applied), the corrections and retraction
that amended it, and its state. Columns after those are derived from `fact` by the projection's
handlers, so that a correction can recompute them in SQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

FACT_COLUMNS = """
    event_id     uuid PRIMARY KEY,
    stream_id    text NOT NULL,
    position     bigint NOT NULL,
    type         text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    fact         jsonb NOT NULL,
    corrections  jsonb NOT NULL,
    retraction   jsonb,
    state        text NOT NULL CHECK (state IN ('active', 'corrected', 'retracted'))"""

# When a fact happened, as sort and filter columns (see pt_reduced_date_* below).
OCCURRED_COLUMNS = """
    earliest        date NOT NULL,
    latest          date NOT NULL,
    precision_rank  smallint NOT NULL"""

TABLES: dict[str, str] = {
    # agencies
    "agencies": "agency_id text NOT NULL UNIQUE",
    # timeline: its facts, its own person -> agencies lookup, and one entry per fact per agency
    "timeline_facts": f"""
        subject_id          text NOT NULL,
        meeting_id          text,
        speaker_person_ids  text[] NOT NULL,
        speaker_agency_ids  text[] NOT NULL,
        {OCCURRED_COLUMNS}""",
    "timeline_people": """
        person_id   text NOT NULL,
        agency_ids  text[] NOT NULL""",
    # initiatives: each announcement and status change
    "initiative_history": f"""
        initiative_id  text NOT NULL,
        agency_id      text,
        {OCCURRED_COLUMNS}""",
    "meetings": f"""
        meeting_id  text NOT NULL UNIQUE,
        organiser   text NOT NULL,
        {OCCURRED_COLUMNS}""",
    "statements": f"""
        statement_id  text NOT NULL UNIQUE,
        speaker_ids   text[] NOT NULL,
        meeting_id    text,
        kind          text NOT NULL,
        {OCCURRED_COLUMNS}""",
    "people": """
        person_id        text NOT NULL UNIQUE,
        affiliation_ids  text[] NOT NULL""",
    "organizations": "organization_id text NOT NULL UNIQUE",
    "sources": "source_id text NOT NULL UNIQUE",
    # every fact that quotes a source, for "the facts each source supports"
    "source_facts": "source_ids text[] NOT NULL",
}

INDEXES = [
    "CREATE INDEX timeline_facts_subject ON timeline_facts (subject_id)",
    "CREATE INDEX timeline_facts_meeting ON timeline_facts (meeting_id)",
    "CREATE INDEX timeline_facts_speakers ON timeline_facts USING gin (speaker_person_ids)",
    "CREATE INDEX timeline_people_person ON timeline_people (person_id)",
    "CREATE INDEX initiative_history_order"
    " ON initiative_history (initiative_id, earliest, precision_rank, position)",
    "CREATE INDEX initiative_history_agency ON initiative_history (agency_id)"
    " WHERE type = 'initiative.announced'",
    "CREATE INDEX meetings_organiser ON meetings (organiser)",
    "CREATE INDEX statements_order ON statements (earliest, precision_rank, position)",
    "CREATE INDEX statements_meeting"
    " ON statements (meeting_id, earliest, precision_rank, position)",
    "CREATE INDEX statements_speakers ON statements USING gin (speaker_ids)",
    "CREATE INDEX people_affiliations ON people USING gin (affiliation_ids)",
    "CREATE INDEX source_facts_sources ON source_facts USING gin (source_ids)",
]

# Reduced ISO 8601 dates ("2025", "2025-02", "2025-03-24"), as events.dates reads them. IMMUTABLE
# (make_date, not a text cast, which depends on DateStyle), so handlers can recompute the sort
# columns of a corrected fact in SQL.
FUNCTIONS = [
    """
    CREATE FUNCTION pt_reduced_date_earliest(value text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT make_date(substr(value, 1, 4)::int,
                         coalesce(nullif(substr(value, 6, 2), '')::int, 1),
                         coalesce(nullif(substr(value, 9, 2), '')::int, 1))
    $$
    """,
    """
    CREATE FUNCTION pt_reduced_date_latest(value text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE length(value)
            WHEN 4 THEN make_date(substr(value, 1, 4)::int, 12, 31)
            WHEN 7 THEN (make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int, 1)
                         + interval '1 month')::date - 1
            ELSE make_date(substr(value, 1, 4)::int, substr(value, 6, 2)::int,
                           substr(value, 9, 2)::int)
        END
    $$
    """,
    """
    CREATE FUNCTION pt_reduced_date_rank(value text) RETURNS smallint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE length(value) WHEN 4 THEN 0 WHEN 7 THEN 1 ELSE 2 END::smallint
    $$
    """,
]


def upgrade() -> None:
    for function in FUNCTIONS:
        op.execute(function)
    for name, columns in TABLES.items():
        op.execute(f"CREATE TABLE {name} ({FACT_COLUMNS},\n{columns})")
    op.execute(
        """
        CREATE TABLE timeline_entries (
            agency_id       text NOT NULL,
            event_id        uuid NOT NULL,
            roles           text[] NOT NULL,
            type            text NOT NULL,
            state           text NOT NULL,
            earliest        date NOT NULL,
            latest          date NOT NULL,
            precision_rank  smallint NOT NULL,
            position        bigint NOT NULL,
            PRIMARY KEY (agency_id, event_id)
        )
        """
    )
    # A timeline page is a keyset scan of this index.
    op.execute(
        "CREATE INDEX timeline_entries_order"
        " ON timeline_entries (agency_id, earliest, precision_rank, position)"
    )
    op.execute("CREATE INDEX timeline_entries_event ON timeline_entries (event_id)")
    for index in INDEXES:
        op.execute(index)


def downgrade() -> None:
    op.execute("DROP TABLE timeline_entries")
    for name in reversed(TABLES):
        op.execute(f"DROP TABLE {name}")
    for function in ("pt_reduced_date_rank", "pt_reduced_date_latest", "pt_reduced_date_earliest"):
        op.execute(f"DROP FUNCTION {function}(text)")
