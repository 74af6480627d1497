"""The event log: one immutable table and the append function.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE events (
            position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
            event_id        uuid NOT NULL UNIQUE,
            stream_id       text NOT NULL CHECK (stream_id <> ''),
            stream_version  integer NOT NULL CHECK (stream_version > 0),
            type            text NOT NULL CHECK (type <> ''),
            schema_version  smallint NOT NULL DEFAULT 1,
            data            jsonb NOT NULL,
            metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            UNIQUE (stream_id, stream_version)
        )
        """
    )
    # The gap-safe global feed reads in (transaction_id, position) order.
    op.execute("CREATE INDEX events_feed ON events (transaction_id, position)")
    op.execute("CREATE INDEX events_type_feed ON events (type, transaction_id, position)")
    op.execute("CREATE INDEX events_recorded_at ON events (recorded_at)")

    op.execute(
        """
        CREATE FUNCTION events_are_immutable() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the event log is append-only: % on events is not allowed', TG_OP
                USING ERRCODE = 'restrict_violation',
                      HINT = 'record a correction as a new fact.corrected or fact.retracted event';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER events_no_update_or_delete
        BEFORE UPDATE OR DELETE ON events
        FOR EACH ROW EXECUTE FUNCTION events_are_immutable()
        """
    )
    op.execute(
        """
        CREATE TRIGGER events_no_truncate
        BEFORE TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable()
        """
    )

    # One round trip per batch: check the expected version, then insert. Stored ids are
    # compared only when needed (p_check_ids, or a version mismatch that may be a retry):
    # a retried append then gets its original result instead of a conflict.
    # p_expected is 'any', 'no_stream', 'exists' or a decimal stream version.
    op.execute(
        """
        CREATE FUNCTION append_events(
            p_stream_id text,
            p_expected text,
            p_event_ids uuid[],
            p_types text[],
            p_schema_versions smallint[],
            p_data jsonb[],
            p_metadata jsonb[],
            p_check_ids boolean
        ) RETURNS TABLE (
            outcome text,
            current_version integer,
            positions bigint[],
            versions integer[],
            conflicting_ids uuid[]
        )
        LANGUAGE plpgsql AS $$
        #variable_conflict use_column
        DECLARE
            v_count integer := cardinality(p_event_ids);
            v_stored integer;
            v_same integer;
            v_current integer;
            v_version_ok boolean;
            v_position bigint;
        BEGIN
            -- Appends to one stream are serialised by a transaction-scoped advisory lock on
            -- the stream id, so the version read below stays true until commit. Other
            -- streams are not blocked, and there is no table lock or global counter.
            PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));

            SELECT coalesce(max(stream_version), 0) INTO v_current
              FROM events WHERE stream_id = p_stream_id;

            v_version_ok := p_expected = 'any'
                OR (p_expected = 'no_stream' AND v_current = 0)
                OR (p_expected = 'exists' AND v_current > 0)
                OR (p_expected ~ '^[0-9]+$' AND v_current = p_expected::integer);

            IF p_check_ids OR NOT v_version_ok THEN
                SELECT count(e.event_id),
                       count(e.event_id) FILTER (
                           WHERE e.stream_id = p_stream_id AND e.type = n.type AND e.data = n.data
                       )
                  INTO v_stored, v_same
                  FROM unnest(p_event_ids, p_types, p_data) AS n(event_id, type, data)
                  JOIN events e ON e.event_id = n.event_id;

                IF v_stored > 0 AND v_stored = v_count AND v_same = v_count THEN
                    -- A retry of an append that already succeeded: answer with the original.
                    RETURN QUERY
                    SELECT 'duplicate', max(e.stream_version)::integer,
                           array_agg(e.position ORDER BY n.ord),
                           array_agg(e.stream_version ORDER BY n.ord),
                           NULL::uuid[]
                      FROM unnest(p_event_ids) WITH ORDINALITY AS n(event_id, ord)
                      JOIN events e ON e.event_id = n.event_id;
                    RETURN;
                ELSIF v_stored > 0 THEN
                    RETURN QUERY
                    SELECT 'id_conflict', v_current, NULL::bigint[], NULL::integer[],
                           array_agg(e.event_id)
                      FROM events e WHERE e.event_id = ANY (p_event_ids);
                    RETURN;
                END IF;
            END IF;

            IF NOT v_version_ok THEN
                RETURN QUERY SELECT 'wrong_expected_version', v_current,
                                    NULL::bigint[], NULL::integer[], NULL::uuid[];
                RETURN;
            END IF;

            -- A stored id raises unique_violation here; the caller then asks again with
            -- p_check_ids, which answers a retry or reports the conflict.
            IF v_count = 1 THEN
                -- The common single-event append, without the array plumbing of a batch.
                INSERT INTO events (event_id, stream_id, stream_version, type, schema_version,
                                    data, metadata)
                VALUES (p_event_ids[1], p_stream_id, v_current + 1, p_types[1],
                        p_schema_versions[1], p_data[1], p_metadata[1])
                RETURNING position INTO v_position;
                RETURN QUERY SELECT 'appended', v_current + 1, ARRAY[v_position],
                                    ARRAY[v_current + 1], NULL::uuid[];
                RETURN;
            END IF;

            RETURN QUERY
            WITH inserted AS (
                INSERT INTO events (event_id, stream_id, stream_version, type, schema_version,
                                    data, metadata)
                SELECT n.event_id, p_stream_id, v_current + n.ord::integer, n.type,
                       n.schema_version, n.data, n.metadata
                  FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
                       WITH ORDINALITY AS n(event_id, type, schema_version, data, metadata, ord)
                 ORDER BY n.ord
                RETURNING position, stream_version
            )
            SELECT 'appended', v_current + v_count,
                   array_agg(position ORDER BY stream_version),
                   array_agg(stream_version ORDER BY stream_version),
                   NULL::uuid[]
              FROM inserted;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION append_events(text, text, uuid[], text[], smallint[], jsonb[], jsonb[], boolean)"
    )
    op.execute("DROP TABLE events")
    op.execute("DROP FUNCTION events_are_immutable()")
