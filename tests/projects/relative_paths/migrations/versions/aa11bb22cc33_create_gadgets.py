"""create gadgets

Revision ID: aa11bb22cc33
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "aa11bb22cc33"
down_revision = None


def upgrade() -> None:
    op.create_table("gadgets", sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True))


def downgrade() -> None:
    op.drop_table("gadgets")
