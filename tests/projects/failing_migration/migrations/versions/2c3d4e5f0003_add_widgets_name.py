"""add widgets.name

Revision ID: 2c3d4e5f0003
Revises: 2c3d4e5f0002
"""

import sqlalchemy as sa
from alembic import op

revision = "2c3d4e5f0003"
down_revision = "2c3d4e5f0002"


def upgrade():
    op.add_column("widgets", sa.Column("name", sa.String(50)))


def downgrade():
    op.drop_column("widgets", "name")
