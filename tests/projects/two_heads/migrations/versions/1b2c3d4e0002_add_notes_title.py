"""add notes.title

Revision ID: 1b2c3d4e0002
Revises: 1b2c3d4e0001
"""

import sqlalchemy as sa
from alembic import op

revision = "1b2c3d4e0002"
down_revision = "1b2c3d4e0001"


def upgrade():
    op.add_column("notes", sa.Column("title", sa.String(200)))


def downgrade():
    op.drop_column("notes", "title")
