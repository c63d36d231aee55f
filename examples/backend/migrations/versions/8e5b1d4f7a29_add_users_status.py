"""add users.status

Revision ID: 8e5b1d4f7a29
Revises: f3c2e7a95d18
Create Date: 2026-09-01 15:31:26.617093

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "8e5b1d4f7a29"
down_revision: Union[str, Sequence[str], None] = "f3c2e7a95d18"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    Nullable and without a default: the application writes it from now on, and
    2c9f6a0e3b84 fills in the users who signed up before.
    """
    user_status = sa.Enum("active", "suspended", "deactivated", name="user_status")
    user_status.create(op.get_bind(), checkfirst=False)
    op.add_column("users", sa.Column("status", user_status, nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("users", "status")
    sa.Enum(name="user_status").drop(op.get_bind(), checkfirst=False)
