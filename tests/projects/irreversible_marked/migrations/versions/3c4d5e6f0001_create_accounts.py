"""create accounts

Revision ID: 3c4d5e6f0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "3c4d5e6f0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("legacy_code", sa.Text()),
    )


def downgrade() -> None:
    op.drop_table("accounts")
