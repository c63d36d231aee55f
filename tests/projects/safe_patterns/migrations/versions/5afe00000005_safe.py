"""foreign key orders to customers, not valid

Revision ID: 5afe00000005
Revises: 5afe00000004
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000005"
down_revision = '5afe00000004'


def upgrade() -> None:
    op.create_foreign_key(
        "fk_orders_customer_id", "orders", "customers", ["customer_id"], ["id"],
        postgresql_not_valid=True,
    )


def downgrade() -> None:
    op.drop_constraint("fk_orders_customer_id", "orders", type_="foreignkey")
