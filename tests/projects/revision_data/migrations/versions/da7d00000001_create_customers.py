"""create customers

Revision ID: da7d00000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "da7d00000001"
down_revision = None


def upgrade():
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("country", sa.String(2)),
    )


def downgrade():
    op.drop_table("customers")
