"""An env.py that reads its URL from the application's settings, not from alembic.ini.

Like many applications, it falls back to SQLite when the variable is not set.
"""

import os

from alembic import context
from sqlalchemy import create_engine, pool

url = os.environ.get("SETTINGS_ENV_DATABASE_URL", "sqlite://")
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
