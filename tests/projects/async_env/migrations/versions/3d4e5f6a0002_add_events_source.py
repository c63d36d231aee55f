"""add events.source

Revision ID: 3d4e5f6a0002
Revises: 3d4e5f6a0001
"""

import sqlalchemy as sa
from alembic import op

revision = "3d4e5f6a0002"
down_revision = "3d4e5f6a0001"


def upgrade():
    op.add_column("events", sa.Column("source", sa.String(100)))
    # Bound parameters reach asyncpg as $1, $2: review must replay them as they are.
    count = sa.text("SELECT count(*) FROM events WHERE kind = :kind AND source = :source")
    op.execute(count.bindparams(kind="signup", source="api"))


def downgrade():
    op.drop_column("events", "source")
