"""Projection bookkeeping: checkpoints, replay progress, and events a projection had to skip.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Where each projection's live tables stand in the global feed. Written in the same
    # transaction as the rows a batch produces, so the tables and the cursor never disagree.
    op.execute(
        """
        CREATE TABLE projection_checkpoints (
            name            text PRIMARY KEY,
            transaction_id  xid8 NOT NULL DEFAULT '0',
            position        bigint NOT NULL DEFAULT 0,
            events_applied  bigint NOT NULL DEFAULT 0,
            events_skipped  bigint NOT NULL DEFAULT 0,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            last_error      text,
            last_error_at   timestamptz
        )
        """
    )
    # The latest blue/green rebuild of each projection: its own cursor (the build
    # checkpoint) and its progress. Whether it still runs is the replay's advisory lock.
    op.execute(
        """
        CREATE TABLE projection_replays (
            name                   text PRIMARY KEY,
            state                  text NOT NULL
                                   CHECK (state IN ('building', 'completed', 'failed')),
            started_at             timestamptz NOT NULL DEFAULT now(),
            updated_at             timestamptz NOT NULL DEFAULT now(),
            finished_at            timestamptz,
            transaction_id         xid8 NOT NULL DEFAULT '0',
            position               bigint NOT NULL DEFAULT 0,
            target_transaction_id  xid8 NOT NULL DEFAULT '0',
            target_position        bigint NOT NULL DEFAULT 0,
            events_done            bigint NOT NULL DEFAULT 0,
            events_total           bigint NOT NULL DEFAULT 0,
            events_applied         bigint NOT NULL DEFAULT 0,
            events_skipped         bigint NOT NULL DEFAULT 0,
            error                  text
        )
        """
    )
    # Events that a projection could not fold (undecodable, or its handler raised). They
    # stay in the log; a replay with fixed code folds them. ``build`` marks the records of
    # a rebuild in progress, which replace the live ones when it is swapped in.
    op.execute(
        """
        CREATE TABLE projection_skipped_events (
            name        text NOT NULL,
            build       boolean NOT NULL DEFAULT false,
            event_id    uuid NOT NULL,
            position    bigint NOT NULL,
            type        text NOT NULL,
            error       text NOT NULL,
            skipped_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (name, build, event_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE projection_skipped_events")
    op.execute("DROP TABLE projection_replays")
    op.execute("DROP TABLE projection_checkpoints")
