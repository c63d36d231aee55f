"""add customers.country

Revision ID: da7e00000002
Revises: da7e00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "da7e00000002"
down_revision = "da7e00000001"


def upgrade():
    op.add_column("customers", sa.Column("country", sa.String(2)))


def downgrade():
    op.drop_column("customers", "country")
