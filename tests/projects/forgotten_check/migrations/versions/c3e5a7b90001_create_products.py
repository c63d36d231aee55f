"""create products

Revision ID: c3e5a7b90001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b90001"
down_revision = None


def upgrade():
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
    )


def downgrade():
    op.drop_table("products")
