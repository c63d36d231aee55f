"""add api_keys.name and backfill it

Revision ID: b7f1c93e4a06
Revises: 6a3e0d2b9f58
Create Date: 2026-06-09 17:18:39.342015

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "b7f1c93e4a06"
down_revision: Union[str, Sequence[str], None] = "6a3e0d2b9f58"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema.

    Step 1 of a NOT NULL column on a filled table: add it nullable (no rewrite,
    no long lock), then name the existing keys after their prefix. 0d4a8b6e2c71
    makes it NOT NULL once the application writes it. Adding a column without a
    default only updates the catalog:
    https://www.postgresql.org/docs/current/sql-altertable.html (Notes)
    """
    op.add_column("api_keys", sa.Column("name", sa.String(length=100), nullable=True))
    # lockwise: ignore[LW403] api_keys holds thousands of rows, not millions: one quick UPDATE
    op.execute("UPDATE api_keys SET name = 'Key ' || prefix WHERE name IS NULL")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("api_keys", "name")
