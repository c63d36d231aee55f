"""unique customers.email

Revision ID: ab0000000009
Revises: ab0000000008
"""

import sqlalchemy as sa
from alembic import op

revision = "ab0000000009"
down_revision = 'ab0000000008'


def upgrade() -> None:
    op.create_unique_constraint("uq_customers_email", "customers", ["email"])


def downgrade() -> None:
    op.drop_constraint("uq_customers_email", "customers", type_="unique")
