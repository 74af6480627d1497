"""Bearer tokens for writes and admin actions, stored only as SHA-256 hashes.

A token is 256 random bits, so a fast hash is enough: there is nothing to guess from it.
A token's name is its identity in ``appended_by``; names are never reused, so a revoked
token's row stays (``revoked_at``) and the events it appended stay attributable.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE api_tokens (
            name          text PRIMARY KEY
                          CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
            token_sha256  bytea NOT NULL UNIQUE CHECK (octet_length(token_sha256) = 32),
            scopes        text[] NOT NULL
                          CHECK (cardinality(scopes) > 0
                                 AND scopes <@ ARRAY['append', 'admin']::text[]),
            created_at    timestamptz NOT NULL DEFAULT now(),
            revoked_at    timestamptz
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE api_tokens")
