"""add webhooks.secret_rotated_at

Revision ID: 94d0e2b7c5a3
Revises: 2c9f6a0e3b84
Create Date: 2026-10-13 14:26:37.958104

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "94d0e2b7c5a3"
down_revision: Union[str, Sequence[str], None] = "2c9f6a0e3b84"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "webhooks", sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("webhooks", "secret_rotated_at")
