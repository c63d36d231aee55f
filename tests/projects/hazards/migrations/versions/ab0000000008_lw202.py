"""foreign key orders to customers

Revision ID: ab0000000008
Revises: ab0000000007
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000008"
down_revision = 'ab0000000007'


def upgrade() -> None:
    op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"], ["id"])


def downgrade() -> None:
    op.drop_constraint("fk_orders_customer", "orders", type_="foreignkey")
