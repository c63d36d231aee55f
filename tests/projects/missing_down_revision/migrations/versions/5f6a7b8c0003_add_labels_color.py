"""add labels.color

Revision ID: 5f6a7b8c0003
Revises: 5f6a7b8c0002
"""

import sqlalchemy as sa
from alembic import op

revision = "5f6a7b8c0003"
down_revision = "5f6a7b8c0002"


def upgrade():
    op.add_column("labels", sa.Column("color", sa.String(7)))


def downgrade():
    op.drop_column("labels", "color")
