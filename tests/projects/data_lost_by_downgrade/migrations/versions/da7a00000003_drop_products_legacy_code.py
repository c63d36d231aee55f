"""drop products.legacy_code

Revision ID: da7a00000003
Revises: da7a00000002
"""

import sqlalchemy as sa
from alembic import op

revision = "da7a00000003"
down_revision = "da7a00000002"


def upgrade():
    op.drop_column("products", "legacy_code")


def downgrade():
    op.add_column("products", sa.Column("legacy_code", sa.String(20)))
