"""The desk's sessions, kept by the server, and the secret its CSRF tokens are signed with.

A session row holds what Litestar's server-side session backend stores under a random id (the
id is the cookie's value); ``expires_at`` is when it stops being valid, and expired rows are
removed as new sessions are made. One secret for every process of the service, so a form made
by one API process is accepted by another.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE desk_sessions (
               session_id text PRIMARY KEY,
               data bytea NOT NULL,
               expires_at timestamptz NOT NULL
           )"""
    )
    op.execute("CREATE INDEX desk_sessions_expiry ON desk_sessions (expires_at)")
    op.execute("CREATE TABLE service_secrets (name text PRIMARY KEY, value text NOT NULL)")


def downgrade() -> None:
    op.execute("DROP TABLE service_secrets")
    op.execute("DROP TABLE desk_sessions")
