"""drop accounts.legacy_code

Revision ID: 3c4d5e6f0002
Revises: 3c4d5e6f0001
"""

from alembic import op

revision = "3c4d5e6f0002"
down_revision = "3c4d5e6f0001"


def upgrade() -> None:
    op.drop_column("accounts", "legacy_code")


def downgrade() -> None:
    # lockwise: irreversible the codes are gone; re-adding an empty column would lie
    raise NotImplementedError("accounts.legacy_code cannot come back")
