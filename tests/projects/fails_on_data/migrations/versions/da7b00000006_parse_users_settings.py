"""copy users.settings (JSON kept as text) into users.theme

Revision ID: da7b00000006
Revises: da7b00000005
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "da7b00000006"
down_revision = "da7b00000005"


def upgrade():
    op.add_column("users", sa.Column("theme", sa.Text()))
    bind = op.get_bind()
    for user_id, settings in bind.execute(sa.text("SELECT id, settings FROM users")):
        theme = json.loads(settings).get("theme") if settings else None
        bind.execute(
            sa.text("UPDATE users SET theme = :theme WHERE id = :id"),
            {"theme": theme, "id": user_id},
        )


def downgrade():
    op.drop_column("users", "theme")
