"""drop orders.legacy

Revision ID: ab0000000014
Revises: ab0000000013
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000014"
down_revision = 'ab0000000013'


def upgrade() -> None:
    op.drop_column("orders", "legacy")


def downgrade() -> None:
    op.add_column("orders", sa.Column("legacy", sa.Text()))
