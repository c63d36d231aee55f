"""add users.email

Revision ID: f6b8d0e20002
Revises: f6b8d0e20001
"""

import sqlalchemy as sa
from alembic import op

revision = "f6b8d0e20002"
down_revision = "f6b8d0e20001"


def upgrade():
    op.add_column("users", sa.Column("email", sa.String(320)))


def downgrade():
    pass
