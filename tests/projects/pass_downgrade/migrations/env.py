"""Online-only env.py with the head's one table declared inline."""

from alembic import context
from sqlalchemy import Column, Integer, MetaData, String, Table, engine_from_config, pool

target_metadata = MetaData()
Table(
    "users",
    target_metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320)),
    Column("phone", String(32)),
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
