"""add accounts.email

Revision ID: e1e1e1000004
Revises: e1e1e1000003
"""

import sqlalchemy as sa
from alembic import op

revision = "e1e1e1000004"
down_revision = "e1e1e1000003"


def upgrade():
    op.add_column("accounts", sa.Column("email", sa.Text))


def downgrade():
    op.drop_column("accounts", "email")
