from alembic import context
from myapp.models import Base  # no such package

context.configure(
    url=context.config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata
)
with context.begin_transaction():
    context.run_migrations()
