"""validate payments.subscription_id foreign key

Revision ID: 19b6f7e3c8a4
Revises: e82c4a6d0f35
Create Date: 2026-04-16 10:26:44.019352

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "19b6f7e3c8a4"
down_revision: Union[str, Sequence[str], None] = "e82c4a6d0f35"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    VALIDATE CONSTRAINT scans payments under SHARE UPDATE EXCLUSIVE, which lets
    reads and writes go on. Its own revision, so its own transaction (env.py sets
    transaction_per_migration), and the lock of e82c4a6d0f35 is not held meanwhile.
    https://www.postgresql.org/docs/current/sql-altertable.html (VALIDATE CONSTRAINT)
    """
    op.execute("ALTER TABLE payments VALIDATE CONSTRAINT fk_payments_subscription_id_subscriptions")


def downgrade() -> None:
    """Downgrade schema.

    PostgreSQL cannot mark a constraint NOT VALID again; re-create it that way,
    as e82c4a6d0f35 left it.
    """
    op.drop_constraint(
        op.f("fk_payments_subscription_id_subscriptions"), "payments", type_="foreignkey"
    )
    op.create_foreign_key(
        op.f("fk_payments_subscription_id_subscriptions"),
        "payments",
        "subscriptions",
        ["subscription_id"],
        ["id"],
        ondelete="CASCADE",
        postgresql_not_valid=True,
    )
