"""reindex orders

Revision ID: ab0000000012
Revises: ab0000000011
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000012"
down_revision = 'ab0000000011'


def upgrade() -> None:
    op.execute("REINDEX TABLE orders")


def downgrade() -> None:
    pass
