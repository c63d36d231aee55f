"""create orders

Revision ID: b2d4f6a80001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a80001"
down_revision = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("orders")
