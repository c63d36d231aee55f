"""add payments.subscription_id foreign key not valid

Revision ID: e82c4a6d0f35
Revises: 5d7f3b9a1e62
Create Date: 2026-04-14 15:02:16.538447

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "e82c4a6d0f35"
down_revision: Union[str, Sequence[str], None] = "5d7f3b9a1e62"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    NOT VALID: the constraint holds for new rows at once, without scanning
    payments under a lock that blocks writes. 19b6f7e3c8a4 validates the old rows.
    https://www.postgresql.org/docs/current/sql-altertable.html (ADD table_constraint, NOT VALID)
    """
    op.create_foreign_key(
        op.f("fk_payments_subscription_id_subscriptions"),
        "payments",
        "subscriptions",
        ["subscription_id"],
        ["id"],
        ondelete="CASCADE",
        postgresql_not_valid=True,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(
        op.f("fk_payments_subscription_id_subscriptions"), "payments", type_="foreignkey"
    )
