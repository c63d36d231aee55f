"""Online-only env.py; the head schema is declared inline, with its CHECK constraint."""

from alembic import context
from sqlalchemy import (
    CheckConstraint,
    Column,
    Integer,
    MetaData,
    Numeric,
    Table,
    engine_from_config,
    pool,
)

target_metadata = MetaData()
Table(
    "products",
    target_metadata,
    Column("id", Integer, primary_key=True),
    Column("price", Numeric(10, 2), nullable=False),
    Column("stock", Integer),
    CheckConstraint("price > 0", name="ck_products_price_positive"),
)

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
