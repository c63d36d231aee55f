"""create accounts

Revision ID: a1c3e5f70001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f70001"
down_revision = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False),
    )


def downgrade():
    op.drop_table("accounts")
