"""create notes

Revision ID: 77aa88bb0002
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "77aa88bb0002"
down_revision = None


def upgrade() -> None:
    op.create_table("notes", sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True))


def downgrade() -> None:
    op.drop_table("notes")
