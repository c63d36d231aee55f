"""create orders

Revision ID: 9c8b7a650001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "9c8b7a650001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("orders")
