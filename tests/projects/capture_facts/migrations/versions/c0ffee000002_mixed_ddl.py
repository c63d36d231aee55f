"""mixed ddl on orders

Revision ID: c0ffee000002
Revises: c0ffee000001
"""

import sqlalchemy as sa
from alembic import op

revision = "c0ffee000002"
down_revision = "c0ffee000001"


def upgrade() -> None:
    op.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
    op.create_index("ix_orders_total", "orders", ["total"])
    op.add_column(
        "orders",
        sa.Column("token", sa.Text(), server_default=sa.text("gen_random_uuid()::text")),
    )
    op.create_check_constraint("ck_orders_total", "orders", "total >= 0")
    op.create_table("refunds", sa.Column("id", sa.BigInteger(), primary_key=True))
    op.create_index("ix_refunds_id", "refunds", ["id"])
    op.bulk_insert(sa.table("refunds", sa.column("id")), [{"id": 1}, {"id": 2}])


def downgrade() -> None:
    op.drop_table("refunds")
    op.drop_constraint("ck_orders_total", "orders", type_="check")
    op.drop_column("orders", "token")
    op.drop_index("ix_orders_total", table_name="orders")
