"""add users.tier

Revision ID: da7b00000003
Revises: da7b00000002
"""

import sqlalchemy as sa
from alembic import op

revision = "da7b00000003"
down_revision = "da7b00000002"


def upgrade():
    op.add_column("users", sa.Column("tier", sa.String(20), nullable=False))


def downgrade():
    op.drop_column("users", "tier")
