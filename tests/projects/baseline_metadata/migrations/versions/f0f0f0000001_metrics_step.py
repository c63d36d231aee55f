"""add metrics.step

Revision ID: f0f0f0000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "f0f0f0000001"
down_revision = None


def upgrade():
    op.add_column("metrics", sa.Column("step", sa.BigInteger, nullable=True))


def downgrade():
    op.drop_column("metrics", "step")
