"""create users

Revision ID: f6b8d0e20001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0e20001"
down_revision = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("users")
