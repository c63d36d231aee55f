"""add notes.pinned

Revision ID: 1b2c3d4e0003
Revises: 1b2c3d4e0001
"""

import sqlalchemy as sa
from alembic import op

revision = "1b2c3d4e0003"
down_revision = "1b2c3d4e0001"


def upgrade():
    op.add_column("notes", sa.Column("pinned", sa.Boolean, server_default=sa.false()))


def downgrade():
    op.drop_column("notes", "pinned")
