"""add orders.status with a constant default

Revision ID: 5afe00000003
Revises: 5afe00000002
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000003"
down_revision = '5afe00000002'


def upgrade() -> None:
    op.add_column("orders", sa.Column("status", sa.Text(), server_default="new", nullable=False))


def downgrade() -> None:
    op.drop_column("orders", "status")
