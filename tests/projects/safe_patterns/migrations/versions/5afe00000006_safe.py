"""validate the orders foreign key

Revision ID: 5afe00000006
Revises: 5afe00000005
"""

import sqlalchemy as sa
from alembic import op

revision = "5afe00000006"
down_revision = '5afe00000005'


def upgrade() -> None:
    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer_id")


def downgrade() -> None:
    # A constraint cannot be un-validated: put back the NOT VALID one revision 5 made.
    op.drop_constraint("fk_orders_customer_id", "orders", type_="foreignkey")
    op.create_foreign_key(
        "fk_orders_customer_id", "orders", "customers", ["customer_id"], ["id"],
        postgresql_not_valid=True,
    )
