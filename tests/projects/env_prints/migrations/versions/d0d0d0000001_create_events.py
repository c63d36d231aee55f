"""create events

Revision ID: d0d0d0000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "d0d0d0000001"
down_revision = None


def upgrade():
    print("migration: creating events")
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    print("migration: dropping events")
    op.drop_table("events")
