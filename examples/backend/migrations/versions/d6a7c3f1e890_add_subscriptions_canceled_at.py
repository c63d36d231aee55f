"""add subscriptions.canceled_at

Revision ID: d6a7c3f1e890
Revises: 2c9f6a0e3b84
Create Date: 2026-10-15 11:12:05.093467

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "d6a7c3f1e890"
down_revision: Union[str, Sequence[str], None] = "2c9f6a0e3b84"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "subscriptions", sa.Column("canceled_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("subscriptions", "canceled_at")
