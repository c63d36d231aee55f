"""add teams.name

Revision ID: 6a7b8c9d0002
Revises: 6a7b8c9d0001
"""

import sqlalchemy as sa
from alembic import op

revision = "6a7b8c9d0002"
down_revision = "6a7b8c9d0001"


def upgrade():
    op.add_column("teams", sa.Column("name", sa.String(60)))


def downgrade():
    op.drop_column("teams", "name")
