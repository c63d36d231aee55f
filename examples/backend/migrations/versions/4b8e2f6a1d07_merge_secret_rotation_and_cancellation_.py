"""merge secret rotation and cancellation heads

Revision ID: 4b8e2f6a1d07
Revises: 94d0e2b7c5a3, d6a7c3f1e890
Create Date: 2026-10-20 16:40:22.561839

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "4b8e2f6a1d07"
down_revision: Union[str, Sequence[str], None] = ("94d0e2b7c5a3", "d6a7c3f1e890")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: nothing, this only joins the two heads."""
    pass


def downgrade() -> None:
    """Downgrade schema: nothing, this only splits the two heads again."""
    pass
