"""create orders with an index

Revision ID: 5afe00000001
Revises: None
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("customer_id", sa.BigInteger()),
        sa.Column("name", sa.String(50)),
        sa.Column("total", sa.Numeric()),
    )
    op.create_index("ix_orders_total", "orders", ["total"])
    op.execute("INSERT INTO orders (customer_id, name, total) SELECT g, 'o', g FROM generate_series(1, 100) g")


def downgrade() -> None:
    op.drop_index("ix_orders_total", table_name="orders")
    op.drop_table("orders")
