"""add an order state

Revision ID: ab0000000018
Revises: ab0000000017
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000018"
down_revision = 'ab0000000017'


def upgrade() -> None:
    op.execute("ALTER TYPE order_state ADD VALUE 'shipped'")


def downgrade() -> None:
    pass  # lockwise: irreversible PostgreSQL cannot drop an enum value
