"""create boards

Revision ID: 7b8c9d0e0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "7b8c9d0e0001"
down_revision = None


def upgrade():
    op.create_table("boards", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("boards")
