"""create customers

Revision ID: 5afe00000002
Revises: 5afe00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000002"
down_revision = '5afe00000001'


def upgrade() -> None:
    op.create_table("customers", sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True))
    op.execute("INSERT INTO customers SELECT FROM generate_series(1, 100)")


def downgrade() -> None:
    op.drop_table("customers")
