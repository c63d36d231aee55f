"""create the tenant's orders

Revision ID: b0b0b0000001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "b0b0b0000001"
down_revision = None


def upgrade(tenant):
    op.create_table(f"{tenant}_orders", sa.Column("id", sa.Integer, primary_key=True))


def downgrade(tenant):
    op.drop_table(f"{tenant}_orders")
