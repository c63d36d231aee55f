"""add orders.token with a volatile default

Revision ID: ab0000000001
Revises: ab0000000000
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000001"
down_revision = 'ab0000000000'


def upgrade() -> None:
    op.add_column("orders", sa.Column("token", sa.Text(), server_default=sa.text("gen_random_uuid()::text")))


def downgrade() -> None:
    op.drop_column("orders", "token")
