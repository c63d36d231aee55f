"""create queues

Revision ID: e5a7c9d10001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c9d10001"
down_revision = None


def upgrade():
    op.create_table("queues", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("queues")
