"""rename orders.old_name

Revision ID: ab0000000016
Revises: ab0000000015
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000016"
down_revision = 'ab0000000015'


def upgrade() -> None:
    op.alter_column("orders", "old_name", new_column_name="label")


def downgrade() -> None:
    op.alter_column("orders", "label", new_column_name="old_name")
