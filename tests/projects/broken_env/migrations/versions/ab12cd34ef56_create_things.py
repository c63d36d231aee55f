"""create things

Revision ID: ab12cd34ef56
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "ab12cd34ef56"
down_revision = None


def upgrade() -> None:
    op.create_table("things", sa.Column("id", sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_table("things")
