"""drop the legacy index

Revision ID: ab0000000011
Revises: ab0000000010
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000011"
down_revision = 'ab0000000010'


def upgrade() -> None:
    op.drop_index("ix_orders_legacy", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_legacy", "orders", ["legacy"])
