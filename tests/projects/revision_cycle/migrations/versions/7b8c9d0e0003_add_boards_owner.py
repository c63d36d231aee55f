"""add boards.owner

Revision ID: 7b8c9d0e0003
Revises: 7b8c9d0e0002
"""

import sqlalchemy as sa
from alembic import op

revision = "7b8c9d0e0003"
down_revision = "7b8c9d0e0002"


def upgrade():
    op.add_column("boards", sa.Column("owner", sa.String(80)))


def downgrade():
    op.drop_column("boards", "owner")
