"""add paused to subscription_status

Revision ID: f3c2e7a95d18
Revises: 0d4a8b6e2c71
Create Date: 2026-07-28 12:44:13.205948

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "f3c2e7a95d18"
down_revision: Union[str, Sequence[str], None] = "0d4a8b6e2c71"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    ALTER TYPE ... ADD VALUE runs outside the transaction: the new value cannot be
    used before it is committed.
    https://www.postgresql.org/docs/current/sql-altertype.html (Notes)
    """
    with op.get_context().autocommit_block():
        op.execute(  # lockwise: ignore[LW406] env.py migrates on one connection; no other session of this process waits on it
            "ALTER TYPE subscription_status ADD VALUE IF NOT EXISTS 'paused' AFTER 'active'"
        )


def downgrade() -> None:
    """Downgrade schema.

    PostgreSQL cannot drop a value from an enum: re-create the type without it.
    https://www.postgresql.org/docs/current/datatype-enum.html (8.7.4)
    Paused subscriptions go back to active, the state they were paused from.
    """
    op.execute("UPDATE subscriptions SET status = 'active' WHERE status = 'paused'")
    op.execute("ALTER TYPE subscription_status RENAME TO subscription_status_old")
    op.execute(
        "CREATE TYPE subscription_status AS ENUM ('trialing', 'active', 'past_due', 'canceled')"
    )
    # The default is typed with the old enum and cannot be cast along with the column.
    op.execute("ALTER TABLE subscriptions ALTER COLUMN status DROP DEFAULT")
    # lockwise: ignore[LW113] rollback only: PostgreSQL cannot drop an enum value, so the
    # type is rebuilt; subscriptions holds one row per customer, rewritten in a blink
    op.execute(
        "ALTER TABLE subscriptions ALTER COLUMN status TYPE subscription_status"
        " USING status::text::subscription_status"
    )
    op.execute("ALTER TABLE subscriptions ALTER COLUMN status SET DEFAULT 'trialing'")
    op.execute("DROP TYPE subscription_status_old")
