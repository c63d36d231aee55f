"""index orders.total

Revision ID: ab0000000010
Revises: ab0000000009
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000010"
down_revision = 'ab0000000009'


def upgrade() -> None:
    op.create_index("ix_orders_total", "orders", ["total"])


def downgrade() -> None:
    op.drop_index("ix_orders_total", table_name="orders")
