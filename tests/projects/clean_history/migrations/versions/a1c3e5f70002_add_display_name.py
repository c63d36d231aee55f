"""add accounts.display_name

Revision ID: a1c3e5f70002
Revises: a1c3e5f70001
"""

import sqlalchemy as sa
from alembic import op

revision = "a1c3e5f70002"
down_revision = "a1c3e5f70001"


def upgrade():
    op.add_column("accounts", sa.Column("display_name", sa.String(100)))


def downgrade():
    op.drop_column("accounts", "display_name")
