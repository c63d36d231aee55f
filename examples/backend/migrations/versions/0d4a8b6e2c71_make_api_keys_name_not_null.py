"""make api_keys.name not null

Revision ID: 0d4a8b6e2c71
Revises: b7f1c93e4a06
Create Date: 2026-06-23 09:07:51.886731

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0d4a8b6e2c71"
down_revision: Union[str, Sequence[str], None] = "b7f1c93e4a06"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    Step 2: every row has a name since b7f1c93e4a06, and the application sets it
    on insert. The backfill is repeated for keys created in between by an older
    release. SET NOT NULL scans the table to check, under an ACCESS EXCLUSIVE
    lock; api_keys is small enough for that scan to be brief.
    https://www.postgresql.org/docs/current/sql-altertable.html (SET NOT NULL)
    """
    op.execute("UPDATE api_keys SET name = 'Key ' || prefix WHERE name IS NULL")
    # lockwise: ignore[LW106] api_keys is small: the SET NOT NULL scan takes milliseconds
    op.alter_column("api_keys", "name", existing_type=sa.String(length=100), nullable=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.alter_column("api_keys", "name", existing_type=sa.String(length=100), nullable=True)
