"""revision 3c000002

Revision ID: 3c000002
"""

import sqlalchemy as sa
from alembic import op

revision = "3c000002"
down_revision = "3c000001"



def upgrade() -> None:
    op.add_column("no_such_table", sa.Column("x", sa.Integer()))


def downgrade() -> None:
    op.drop_column("no_such_table", "x")
