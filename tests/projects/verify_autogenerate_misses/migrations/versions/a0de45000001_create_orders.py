"""create orders

Revision ID: a0de45000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "a0de45000001"
down_revision = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column(
            "status",
            sa.Enum("new", "shipped", name="order_status"),
            nullable=False,
            server_default="new",
        ),
        sa.Column("currency", sa.Text, nullable=False, server_default="USD"),
    )


def downgrade():
    op.drop_table("orders")
    sa.Enum(name="order_status").drop(op.get_bind())
