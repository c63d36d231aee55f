"""fill items.cents from price, in batches

Revision ID: b0f111000002
Revises: b0f111000001
"""

from lockwise import ops

revision = "b0f111000002"
down_revision = "b0f111000001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batches of 200 rows, each committed: a rerun continues where a killed one stopped.
    ops.backfill("items", {"cents": "price * 100"}, batch_size=200, pause=0.01)


def downgrade() -> None:
    pass  # data only: the cents stay, and the column goes with b0f111000001
