"""merge

Revision ID: 3c000004
"""

revision = "3c000004"
down_revision = ("3c000002", "3c000003")


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
