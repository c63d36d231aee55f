"""add a stored generated column

Revision ID: ab0000000003
Revises: ab0000000002
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000003"
down_revision = 'ab0000000002'


def upgrade() -> None:
    op.add_column("orders", sa.Column("double_total", sa.Numeric(), sa.Computed("id * 2", persisted=True)))


def downgrade() -> None:
    op.drop_column("orders", "double_total")
