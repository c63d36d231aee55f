"""create notes

Revision ID: 1b2c3d4e0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "1b2c3d4e0001"
down_revision = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("notes")
