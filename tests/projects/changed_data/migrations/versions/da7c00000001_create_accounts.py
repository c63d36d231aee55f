"""create accounts

Revision ID: da7c00000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "da7c00000001"
down_revision = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20)),
    )


def downgrade():
    op.drop_table("accounts")
