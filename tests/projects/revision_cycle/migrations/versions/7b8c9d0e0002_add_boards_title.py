"""add boards.title

Revision ID: 7b8c9d0e0002
Revises: 7b8c9d0e0003
"""

import sqlalchemy as sa
from alembic import op

revision = "7b8c9d0e0002"
down_revision = "7b8c9d0e0003"


def upgrade():
    op.add_column("boards", sa.Column("title", sa.String(80)))


def downgrade():
    op.drop_column("boards", "title")
