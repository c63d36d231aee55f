"""add users.phone

Revision ID: 7b2d9e04c6f1
Revises: a4c81e5f9b23
Create Date: 2026-02-17 09:41:55.906233

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "7b2d9e04c6f1"
down_revision: Union[str, Sequence[str], None] = "a4c81e5f9b23"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column("users", sa.Column("phone", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("users", "phone")
