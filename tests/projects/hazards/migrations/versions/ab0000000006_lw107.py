"""change orders.total to double precision

Revision ID: ab0000000006
Revises: ab0000000005
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000006"
down_revision = 'ab0000000005'


def upgrade() -> None:
    op.alter_column("orders", "total", type_=sa.Float(), existing_type=sa.Numeric())


def downgrade() -> None:
    op.alter_column("orders", "total", type_=sa.Numeric(), existing_type=sa.Float())
