"""create products

Revision ID: da7a00000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "da7a00000001"
down_revision = None


def upgrade():
    op.create_table(
        "products",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("legacy_code", sa.String(20)),
    )


def downgrade():
    op.drop_table("products")
