"""create accounts

Revision ID: e1e1e1000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "e1e1e1000001"
down_revision = None


def upgrade():
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )


def downgrade():
    op.drop_table("accounts")
