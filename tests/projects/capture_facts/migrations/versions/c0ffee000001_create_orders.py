"""create orders

Revision ID: c0ffee000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c0ffee000001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
    )
    op.execute("INSERT INTO orders (total) SELECT g FROM generate_series(1, 100) g")


def downgrade() -> None:
    op.drop_table("orders")
