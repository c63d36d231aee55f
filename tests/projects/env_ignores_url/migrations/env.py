import os

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

# Wrong on purpose: the application's own database, not the one Alembic was given.
url = make_url(os.environ["LOCKWISE_DATABASE_URL"]).set(drivername="postgresql+psycopg")
engine = create_engine(url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
