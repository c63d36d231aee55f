"""create labels

Revision ID: 5f6a7b8c0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "5f6a7b8c0001"
down_revision = None


def upgrade():
    op.create_table("labels", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("labels")
