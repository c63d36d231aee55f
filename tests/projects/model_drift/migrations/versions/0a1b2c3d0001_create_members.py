"""create members

Revision ID: 0a1b2c3d0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0a1b2c3d0001"
down_revision = None


def upgrade():
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
    )


def downgrade():
    op.drop_table("members")
