"""index orders.token concurrently

Revision ID: c0ffee000003
Revises: c0ffee000002
"""

from alembic import op

revision = "c0ffee000003"
down_revision = "c0ffee000002"


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_orders_token", "orders", ["token"], postgresql_concurrently=True, if_not_exists=True
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_orders_token", table_name="orders", postgresql_concurrently=True, if_exists=True
        )
