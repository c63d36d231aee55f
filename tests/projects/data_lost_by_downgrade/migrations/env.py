"""Online-only env.py; the head schema is declared inline, no models module."""

import sqlalchemy as sa
from alembic import context

target_metadata = sa.MetaData()
sa.Table(
    "products",
    target_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("price", sa.Numeric(12, 2)),
)

config = context.config
section = config.get_section(config.config_ini_section, {})
engine = sa.engine_from_config(section, prefix="sqlalchemy.", poolclass=sa.pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
