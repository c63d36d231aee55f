"""An env.py that talks on stdout, the way application logging setups do."""

import logging
import os
import sys

from alembic import context
from sqlalchemy import engine_from_config, pool

log = logging.getLogger("env_prints")
if not log.handlers:
    # Bound to the stdout object of the first import, like structlog's default.
    log.addHandler(logging.StreamHandler(sys.__stdout__))
    log.setLevel(logging.INFO)

config = context.config
print("env.py: print() on stdout")
log.info("env.py: a log line on the stdout captured at import")
os.write(1, b"env.py: raw bytes on file descriptor 1\n")

engine = engine_from_config(
    config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
