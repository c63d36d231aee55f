"""Online-only env.py with a begin_transaction per run, as Alembic's template has it."""

from alembic import context
from sqlalchemy import Column, Integer, MetaData, Table, engine_from_config, pool

target_metadata = MetaData()
Table("widgets", target_metadata, Column("id", Integer, primary_key=True))


def run_migrations_online() -> None:
    config = context.config
    section = config.get_section(config.config_ini_section, {})
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
