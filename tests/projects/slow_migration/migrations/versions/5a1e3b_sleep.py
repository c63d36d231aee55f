"""sleep for a minute

Revision ID: 5a1e3b
Revises:
"""

from alembic import op

revision = "5a1e3b"
down_revision = None


def upgrade() -> None:
    op.execute("SELECT pg_sleep(60)")


def downgrade() -> None:
    pass
