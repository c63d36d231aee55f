"""add a column to a table that does not exist

Revision ID: 2c3d4e5f0002
Revises: 2c3d4e5f0001
"""

import sqlalchemy as sa
from alembic import op

revision = "2c3d4e5f0002"
down_revision = "2c3d4e5f0001"


def upgrade():
    op.add_column("missing_table", sa.Column("size", sa.Integer))


def downgrade():
    op.drop_column("missing_table", "size")
