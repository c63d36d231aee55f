"""fill plans

Revision ID: b7e1d2c30002
Revises: b7e1d2c30001
"""

import datetime
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "b7e1d2c30002"
down_revision = "b7e1d2c30001"

plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("price", sa.Numeric),
    sa.column("launched_on", sa.Date),
)


def upgrade():
    op.bulk_insert(
        plans,
        [
            {"id": 1, "name": "Free", "price": None, "launched_on": None},
            {"id": 2, "name": "Team 100% 'pro'", "price": Decimal("49.00"),
             "launched_on": datetime.date(2024, 1, 31)},
            {"id": 3, "name": "Entreprise é", "price": Decimal("199.99"),
             "launched_on": datetime.date(2025, 6, 1)},
        ],
    )


def downgrade():
    op.execute(plans.delete().where(plans.c.id.in_([1, 2, 3])))
