"""create items

Revision ID: b0f111000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "b0f111000001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("items")
