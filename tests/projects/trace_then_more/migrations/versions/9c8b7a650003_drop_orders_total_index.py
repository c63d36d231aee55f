"""drop the orders.total index

Revision ID: 9c8b7a650003
Revises: 9c8b7a650002
"""

from alembic import op

revision = "9c8b7a650003"
down_revision = "9c8b7a650002"


def upgrade() -> None:
    op.drop_index("ix_orders_total", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_total", "orders", ["total"])
