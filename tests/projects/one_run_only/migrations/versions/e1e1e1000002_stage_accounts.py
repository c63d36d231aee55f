"""stage the first accounts for the next revision

Revision ID: e1e1e1000002
Revises: e1e1e1000001
"""

from alembic import op

revision = "e1e1e1000002"
down_revision = "e1e1e1000001"


def upgrade():
    op.execute(
        "CREATE TEMPORARY TABLE handoff ON COMMIT DROP AS"
        " SELECT 'first account'::text AS name"
    )


def downgrade():
    pass
