"""add an identity column to orders

Revision ID: ab0000000002
Revises: ab0000000001
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000002"
down_revision = 'ab0000000001'


def upgrade() -> None:
    op.add_column("orders", sa.Column("seq", sa.BigInteger(), sa.Identity()))


def downgrade() -> None:
    op.drop_column("orders", "seq")
