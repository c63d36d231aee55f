"""index accounts.email concurrently

Revision ID: a1c3e5f70003
Revises: a1c3e5f70002
"""

from alembic import op

revision = "a1c3e5f70003"
down_revision = "a1c3e5f70002"


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_accounts_email",
            "accounts",
            ["email"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_accounts_email",
            table_name="accounts",
            postgresql_concurrently=True,
            if_exists=True,
        )
