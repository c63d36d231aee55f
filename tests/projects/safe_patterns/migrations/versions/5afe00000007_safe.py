"""widen orders.name to text

Revision ID: 5afe00000007
Revises: 5afe00000006
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000007"
down_revision = '5afe00000006'


def upgrade() -> None:
    op.alter_column("orders", "name", type_=sa.Text(), existing_type=sa.String(50))


def downgrade() -> None:
    # lockwise: ignore[LW107] rollback only: narrowing back to varchar(50) rewrites orders
    op.alter_column("orders", "name", type_=sa.String(50), existing_type=sa.Text())
