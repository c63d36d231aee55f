"""check orders.total

Revision ID: ab0000000007
Revises: ab0000000006
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000007"
down_revision = 'ab0000000006'


def upgrade() -> None:
    op.create_check_constraint("ck_orders_total", "orders", "total >= 0")


def downgrade() -> None:
    op.drop_constraint("ck_orders_total", "orders", type_="check")
