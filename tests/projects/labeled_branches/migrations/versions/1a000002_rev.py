"""revision 1a000002

Revision ID: 1a000002
"""

import sqlalchemy as sa
from alembic import op

revision = "1a000002"
down_revision = "1a000001"



def upgrade() -> None:
    op.add_column("items", sa.Column("name", sa.Text()))


def downgrade() -> None:
    op.drop_column("items", "name")
