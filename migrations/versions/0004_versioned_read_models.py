"""Read models rebuilt: one copy of each fact as corrected, and versioned rows for time travel.

Every read-model row is a version, as in SQL:2011 system-versioned tables: ``known_from`` and
``known_until`` are the ``recorded_at`` of the event that made the version and of the one that
replaced it (``known_until`` is null while it is current), and ``made_by`` is the position of
the event that made it. ``as_of=T`` is then ``known_from <= T < known_until``, an indexed query.
Current rows have partial indexes of their own (``WHERE known_until IS NULL``).

``facts`` holds each fact's corrected state once (its JSON, corrections, retraction, state);
the other tables hold only what their read model sorts, filters and joins on, and point at the
fact by ``event_id``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import importlib

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSION_COLUMNS = """
    made_by      bigint NOT NULL,
    known_from   timestamptz NOT NULL,
    known_until  timestamptz"""

DATED = """
    earliest        date NOT NULL,
    latest          date NOT NULL,
    precision_rank  smallint NOT NULL,
    position        bigint NOT NULL"""

TABLES: dict[str, str] = {
    "facts": """
        event_id     uuid NOT NULL,
        stream_id    text NOT NULL,
        position     bigint NOT NULL,
        type         text NOT NULL,
        recorded_at  timestamptz NOT NULL,
        fact         jsonb NOT NULL,
        corrections  jsonb NOT NULL,
        retraction   jsonb,
        state        text NOT NULL CHECK (state IN ('active', 'corrected', 'retracted')),
        entity       text,
        lookups      text[] NOT NULL""",
    "agencies": "agency_id text NOT NULL, event_id uuid NOT NULL",
    "timeline_entries": f"""
        agency_id  text NOT NULL,
        event_id   uuid NOT NULL,
        roles      text[] NOT NULL,
        type       text NOT NULL,
        state      text NOT NULL,
        {DATED}""",
    "initiative_history": f"""
        initiative_id  text NOT NULL,
        event_id       uuid NOT NULL,
        type           text NOT NULL,
        agency_id      text,
        {DATED}""",
    "meetings": f"""
        meeting_id  text NOT NULL,
        event_id    uuid NOT NULL,
        organiser   text NOT NULL,
        {DATED}""",
    "statements": f"""
        statement_id  text NOT NULL,
        event_id      uuid NOT NULL,
        speaker_ids   text[] NOT NULL,
        meeting_id    text,
        kind          text NOT NULL,
        {DATED}""",
    "people": "person_id text NOT NULL, event_id uuid NOT NULL, affiliation_ids text[] NOT NULL",
    "organizations": "organization_id text NOT NULL, event_id uuid NOT NULL",
    "sources": "source_id text NOT NULL, event_id uuid NOT NULL",
    "source_facts": "source_id text NOT NULL, event_id uuid NOT NULL, position bigint NOT NULL",
}

# Each table: its current rows by the fact they derive from, unique, leading with ``event_id``:
# a fact derived again closes its current rows through it, and it matches that condition
# exactly, so the planner takes it even before any statistics (tables that grow from nothing
# while autovacuum is off or behind: measured, a close otherwise scanned a whole index per fact),
# and the orders and filters its queries use, for current rows and for as_of reads. GIN indexes
# that the live path searches on every batch are written through (fastupdate off): a pending
# list would be scanned by every search.
INDEXES = [
    "CREATE UNIQUE INDEX facts_current ON facts (event_id) WHERE known_until IS NULL",
    "CREATE INDEX facts_versions ON facts (event_id, known_from)",
    "CREATE UNIQUE INDEX facts_current_entity ON facts (entity)"
    " WHERE known_until IS NULL AND entity IS NOT NULL",
    "CREATE INDEX facts_entity_versions ON facts (entity, known_from) WHERE entity IS NOT NULL",
    "CREATE INDEX facts_current_lookups ON facts USING gin (lookups) WITH (fastupdate = off)"
    " WHERE known_until IS NULL",
    "CREATE UNIQUE INDEX agencies_current ON agencies (agency_id) WHERE known_until IS NULL",
    "CREATE UNIQUE INDEX agencies_current_event ON agencies (event_id) WHERE known_until IS NULL",
    "CREATE INDEX agencies_versions ON agencies (agency_id, known_from)",
    "CREATE UNIQUE INDEX timeline_entries_current ON timeline_entries (event_id, agency_id)"
    " WHERE known_until IS NULL",
    "CREATE INDEX timeline_entries_current_order"
    " ON timeline_entries (agency_id, earliest, precision_rank, position) WHERE known_until IS NULL",
    "CREATE INDEX timeline_entries_versions_order"
    " ON timeline_entries (agency_id, earliest, precision_rank, position, known_from)",
    "CREATE INDEX initiative_history_order"
    " ON initiative_history (initiative_id, earliest, precision_rank, position, known_from)",
    "CREATE UNIQUE INDEX initiative_history_current_event ON initiative_history (event_id)"
    " WHERE known_until IS NULL",
    "CREATE INDEX initiative_history_agency ON initiative_history (agency_id, known_from)"
    " WHERE type = 'initiative.announced'",
    "CREATE INDEX meetings_id ON meetings (meeting_id, known_from)",
    "CREATE UNIQUE INDEX meetings_current_event ON meetings (event_id) WHERE known_until IS NULL",
    "CREATE INDEX meetings_organiser ON meetings (organiser)",
    "CREATE INDEX statements_id ON statements (statement_id, known_from)",
    "CREATE UNIQUE INDEX statements_current_event ON statements (event_id)"
    " WHERE known_until IS NULL",
    "CREATE INDEX statements_current_order ON statements (earliest, precision_rank, position)"
    " WHERE known_until IS NULL",
    "CREATE INDEX statements_versions_order"
    " ON statements (earliest, precision_rank, position, known_from)",
    "CREATE INDEX statements_meeting ON statements (meeting_id, earliest, precision_rank, position)",
    "CREATE INDEX statements_speakers ON statements USING gin (speaker_ids)"
    " WITH (fastupdate = off)",
    "CREATE INDEX people_id ON people (person_id, known_from)",
    "CREATE UNIQUE INDEX people_current_event ON people (event_id) WHERE known_until IS NULL",
    "CREATE INDEX people_affiliations ON people USING gin (affiliation_ids)"
    " WITH (fastupdate = off)",
    "CREATE INDEX organizations_id ON organizations (organization_id, known_from)",
    "CREATE UNIQUE INDEX organizations_current_event ON organizations (event_id)"
    " WHERE known_until IS NULL",
    "CREATE INDEX sources_id ON sources (source_id, known_from)",
    "CREATE UNIQUE INDEX sources_current_event ON sources (event_id) WHERE known_until IS NULL",
    "CREATE INDEX source_facts_source ON source_facts (source_id, position, known_from)",
    "CREATE UNIQUE INDEX source_facts_current_event ON source_facts (event_id, source_id)"
    " WHERE known_until IS NULL",
]

OLD_TABLES = [
    "timeline_entries", "agencies", "timeline_facts", "timeline_people", "initiative_history",
    "meetings", "statements", "people", "organizations", "sources", "source_facts",
]


def upgrade() -> None:
    for table in OLD_TABLES:
        op.execute(f"DROP TABLE {table}")
    for name, columns in TABLES.items():
        op.execute(f"CREATE TABLE {name} ({columns},{VERSION_COLUMNS})")
    for index in INDEXES:
        op.execute(index)
    # The old tables are gone: every projection folds the log again from the start.
    op.execute("DELETE FROM projection_checkpoints")
    op.execute("DELETE FROM projection_skipped_events")
    op.execute("DELETE FROM projection_replays")


def downgrade() -> None:
    for name in reversed(TABLES):
        op.execute(f"DROP TABLE {name}")
    previous = importlib.import_module("migrations.versions.0003_read_models")
    for name, columns in previous.TABLES.items():
        op.execute(f"CREATE TABLE {name} ({previous.FACT_COLUMNS},\n{columns})")
    previous_entries = """CREATE TABLE timeline_entries (
        agency_id text NOT NULL, event_id uuid NOT NULL, roles text[] NOT NULL,
        type text NOT NULL, state text NOT NULL, earliest date NOT NULL, latest date NOT NULL,
        precision_rank smallint NOT NULL, position bigint NOT NULL,
        PRIMARY KEY (agency_id, event_id))"""
    op.execute(previous_entries)
    op.execute("CREATE INDEX timeline_entries_order"
               " ON timeline_entries (agency_id, earliest, precision_rank, position)")
    op.execute("CREATE INDEX timeline_entries_event ON timeline_entries (event_id)")
    for index in previous.INDEXES:
        op.execute(index)
    op.execute("DELETE FROM projection_checkpoints")
    op.execute("DELETE FROM projection_skipped_events")
    op.execute("DELETE FROM projection_replays")
