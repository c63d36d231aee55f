"""Online-only env.py; imports the models from the project folder, as most apps do."""

import sys
from pathlib import Path

from alembic import context
from sqlalchemy import engine_from_config, pool

project = str(Path(__file__).resolve().parent.parent)
if project not in sys.path:
    sys.path.insert(0, project)
import models  # noqa: E402

config = context.config
section = config.get_section(config.config_ini_section, {})
with engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool).connect() as conn:
    context.configure(
        connection=conn,
        target_metadata=models.metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()
