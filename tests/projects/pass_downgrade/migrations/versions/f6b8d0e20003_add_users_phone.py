"""add users.phone

Revision ID: f6b8d0e20003
Revises: f6b8d0e20002
"""

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0e20003"
down_revision = "f6b8d0e20002"


def upgrade():
    op.add_column("users", sa.Column("phone", sa.String(32)))


def downgrade():
    op.drop_column("users", "phone")
