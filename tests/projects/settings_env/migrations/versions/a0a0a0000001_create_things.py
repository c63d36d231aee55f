"""create things

Revision ID: a0a0a0000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "a0a0a0000001"
down_revision = None


def upgrade():
    op.create_table("things", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("things")
