"""create tags

Revision ID: 4e5f6a7b0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "4e5f6a7b0001"
down_revision = None


def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("tags")
