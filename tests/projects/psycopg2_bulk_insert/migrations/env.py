"""Online-only env.py following Alembic's connection-sharing recipe, on psycopg2."""

import sys
from pathlib import Path

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from models import metadata

config = context.config


def run(connection):
    # The fixture's own check that lockwise kept the driver alembic.ini names.
    assert connection.dialect.driver == "psycopg2", connection.dialect.driver
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connectable = config.attributes.get("connection")
if connectable is None:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        run(connection)
else:
    run(connectable)
