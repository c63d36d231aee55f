"""create notes

Revision ID: c0ffee000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c0ffee000001"
down_revision = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("notes")
