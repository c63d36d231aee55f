"""backfill accounts.status

Revision ID: da7c00000002
Revises: da7c00000001
"""

import sqlalchemy as sa
from alembic import op

revision = "da7c00000002"
down_revision = "da7c00000001"


def upgrade():
    op.execute("UPDATE accounts SET status = 'active' WHERE status IS NULL")


def downgrade():
    pass  # the NULLs that were filled are not recorded
