"""add index on users.email concurrently

Revision ID: c15e8a3f2d97
Revises: 7b2d9e04c6f1
Create Date: 2026-03-05 14:13:27.650198

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "c15e8a3f2d97"
down_revision: Union[str, Sequence[str], None] = "7b2d9e04c6f1"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    Sign-in looks users up by email, and users has grown past a sequential scan.
    CREATE INDEX CONCURRENTLY cannot run in a transaction block, hence the
    autocommit block; IF NOT EXISTS lets a rerun pass after a failed build
    (an INVALID index left behind is dropped first by lockwise apply).
    https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
    """
    with op.get_context().autocommit_block():
        op.create_index(  # lockwise: ignore[LW406] env.py migrates on one connection; no other session of this process waits on it
            op.f("ix_users_email"),
            "users",
            ["email"],
            postgresql_concurrently=True,
            if_not_exists=True,
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.get_context().autocommit_block():
        op.drop_index(  # lockwise: ignore[LW406] env.py migrates on one connection; no other session of this process waits on it
            op.f("ix_users_email"),
            table_name="users",
            postgresql_concurrently=True,
            if_exists=True,
        )
