"""create events

Revision ID: 3d4e5f6a0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "3d4e5f6a0001"
down_revision = None


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
    )


def downgrade():
    op.drop_table("events")
