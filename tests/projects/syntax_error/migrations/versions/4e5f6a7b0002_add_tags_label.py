"""add tags.label

Revision ID: 4e5f6a7b0002
Revises: 4e5f6a7b0001
"""

import sqlalchemy as sa
from alembic import op

revision = "4e5f6a7b0002"
down_revision = "4e5f6a7b0001"


def upgrade():
    op.add_column("tags", sa.Column("label", sa.String(30))


def downgrade():
    op.drop_column("tags", "label")
