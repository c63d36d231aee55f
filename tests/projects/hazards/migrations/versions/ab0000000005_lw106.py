"""make orders.customer_id NOT NULL

Revision ID: ab0000000005
Revises: ab0000000004
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000005"
down_revision = 'ab0000000004'


def upgrade() -> None:
    op.alter_column("orders", "customer_id", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    op.alter_column("orders", "customer_id", existing_type=sa.BigInteger(), nullable=True)
