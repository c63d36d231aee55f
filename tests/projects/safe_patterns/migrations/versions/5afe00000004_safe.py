"""index orders.customer_id concurrently

Revision ID: 5afe00000004
Revises: 5afe00000003
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000004"
down_revision = '5afe00000003'


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_orders_customer_id", "orders", ["customer_id"],
            postgresql_concurrently=True, if_not_exists=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_orders_customer_id", table_name="orders",
            postgresql_concurrently=True, if_exists=True,
        )
