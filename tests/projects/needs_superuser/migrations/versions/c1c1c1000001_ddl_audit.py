"""audit DDL with an event trigger

Revision ID: c1c1c1000001
Revises:
"""

from alembic import op

revision = "c1c1c1000001"
down_revision = None


def upgrade():
    op.execute(
        "CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql"
        " AS $$ BEGIN RAISE NOTICE 'ddl: %', tg_tag; END $$"
    )
    op.execute("CREATE EVENT TRIGGER note_ddl ON ddl_command_end EXECUTE FUNCTION note_ddl()")


def downgrade():
    op.execute("DROP EVENT TRIGGER note_ddl")
    op.execute("DROP FUNCTION note_ddl()")
