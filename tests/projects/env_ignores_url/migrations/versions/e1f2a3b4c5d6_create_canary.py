"""create canary

Revision ID: e1f2a3b4c5d6
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "e1f2a3b4c5d6"
down_revision = None


def upgrade() -> None:
    op.create_table("lockwise_canary", sa.Column("id", sa.BigInteger(), primary_key=True))


def downgrade() -> None:
    op.drop_table("lockwise_canary")
