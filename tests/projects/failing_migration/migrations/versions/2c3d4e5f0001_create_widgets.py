"""create widgets

Revision ID: 2c3d4e5f0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "2c3d4e5f0001"
down_revision = None


def upgrade():
    op.create_table("widgets", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("widgets")
