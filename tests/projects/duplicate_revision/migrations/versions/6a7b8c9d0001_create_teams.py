"""create teams

Revision ID: 6a7b8c9d0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "6a7b8c9d0001"
down_revision = None


def upgrade():
    op.create_table("teams", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("teams")
