"""create users

Revision ID: da7b00000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "da7b00000001"
down_revision = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("nickname", sa.String(40)),
        sa.Column("settings", sa.Text()),
    )


def downgrade():
    op.drop_table("users")
