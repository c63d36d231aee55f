"""Rewrites of single op calls, read from a revision file: the code a fix writes."""

from __future__ import annotations

from pathlib import Path

from lockwise.rewrite import Subject, fix_for
from lockwise.rewrite.calls import call_at

REVISION = """from alembic import op
import sqlalchemy as sa


def upgrade() -> None:
    op.create_foreign_key(None, "payments", "users", ["user_id"], ["id"])
    op.add_column(
        "users",
        sa.Column("token", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
    )
    op.add_column(
        "payments",
        sa.Column(
            "account_id",
            sa.BigInteger(),  # the account charged
            sa.ForeignKey("billing.accounts.id", ondelete="CASCADE"),
            unique=True,
        ),
    )
"""


def fix_at(tmp_path: Path, rule: str, line: int) -> str:
    path = tmp_path / "rev.py"
    path.write_text(REVISION)
    return fix_for(Subject(rule, call_at(path, line), None)).code


def test_an_unnamed_foreign_key_gets_the_name_postgresql_would_give(tmp_path: Path) -> None:
    assert fix_at(tmp_path, "LW202", 6).splitlines() == [
        "lockwise.ops.add_foreign_key(",
        '    "payments_user_id_fkey", "payments", "users", ["user_id"], ["id"]',
        ")",
    ]


def test_a_volatile_default_becomes_column_default_backfill_and_not_null(tmp_path: Path) -> None:
    assert fix_at(tmp_path, "LW101", 8).splitlines() == [
        'op.add_column("users", sa.Column("token", sa.Uuid(), nullable=True))',
        'op.alter_column("users", "token", server_default=sa.text("gen_random_uuid()"))',
        'lockwise.ops.backfill("users", {"token": "gen_random_uuid()"})',
        'lockwise.ops.add_not_null("users", "token")',
    ]


def test_a_new_column_with_a_foreign_key_and_unique_gets_both_added_safely(
    tmp_path: Path,
) -> None:
    expected = [
        "op.add_column(",
        '    "payments",',
        "    sa.Column(",
        '        "account_id",',
        "        sa.BigInteger(),  # the account charged",
        "    ),",
        ")",
        "lockwise.ops.add_foreign_key(",
        '    "payments_account_id_fkey",',
        '    "payments",',
        '    "accounts",',
        '    ["account_id"],',
        '    ["id"],',
        '    ondelete="CASCADE",',
        '    referent_schema="billing",',
        ")",
        'lockwise.ops.add_unique("payments_account_id_key", "payments", ["account_id"])',
    ]
    assert fix_at(tmp_path, "LW202", 12).splitlines() == expected
    assert fix_at(tmp_path, "LW204", 12).splitlines() == expected
