from alembic import context
from sqlalchemy import engine_from_config, pool, text

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    connection.execute(text("CREATE SCHEMA IF NOT EXISTS meta"))
    connection.commit()
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table="schema_versions",
        version_table_schema="meta",
    )
    with context.begin_transaction():
        context.run_migrations()
