"""rename every email outside a transaction

Revision ID: da7c00000004
Revises: da7c00000003
"""

from alembic import op

revision = "da7c00000004"
down_revision = "da7c00000003"


def upgrade():
    # Outside a transaction, its locks are gone once it ends: the change is still seen.
    with op.get_context().autocommit_block():
        op.execute("UPDATE accounts SET email = 'account-' || id || '@example.com'")


def downgrade():
    pass  # the old addresses are not recorded
