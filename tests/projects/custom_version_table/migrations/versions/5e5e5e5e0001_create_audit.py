"""create audit

Revision ID: 5e5e5e5e0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "5e5e5e5e0001"
down_revision = None


def upgrade() -> None:
    op.create_table("audit", sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True))


def downgrade() -> None:
    op.drop_table("audit")
