"""add members.joined_at

Revision ID: 0a1b2c3d0002
Revises: 0a1b2c3d0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0a1b2c3d0002"
down_revision = "0a1b2c3d0001"


def upgrade():
    op.add_column("members", sa.Column("joined_at", sa.DateTime(timezone=True)))


def downgrade():
    op.drop_column("members", "joined_at")
