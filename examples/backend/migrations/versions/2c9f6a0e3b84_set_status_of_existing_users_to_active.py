"""set status of existing users to active

Revision ID: 2c9f6a0e3b84
Revises: 8e5b1d4f7a29
Create Date: 2026-09-03 10:49:58.430276

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "2c9f6a0e3b84"
down_revision: Union[str, Sequence[str], None] = "8e5b1d4f7a29"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade data: users who signed up before users.status existed are active."""
    op.execute("UPDATE users SET status = 'active' WHERE status IS NULL")


def downgrade() -> None:
    # lockwise: irreversible which users had no status before is not recorded
    """Downgrade data: nothing to do.

    Which users were NULL before is not recorded, and the schema is unchanged, so
    this downgrade deliberately leaves the rows as they are.
    """
