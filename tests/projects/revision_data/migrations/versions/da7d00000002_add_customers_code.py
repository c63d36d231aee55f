"""add customers.code

Revision ID: da7d00000002
Revises: da7d00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "da7d00000002"
down_revision = "da7d00000001"


def upgrade():
    op.add_column("customers", sa.Column("code", sa.String(10)))
    op.execute("UPDATE customers SET code = upper(left(name, 3))")


def downgrade():
    op.drop_column("customers", "code")
