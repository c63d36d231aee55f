"""Revision data: the project's own rows loaded before a revision, and checks run after it.

The folder named by `[tool.lockwise] revision_data` holds one TOML file per revision,
named after its id (what pytest-alembic calls before_revision_data, plus checks):

```toml
# migrations/revision_data/8e5b1d4f7a29.toml
[[before.users]]                 # rows inserted before 8e5b1d4f7a29 is upgraded
email = "ada@example.com"
display_name = "Ada"

[[check]]                        # run after it is upgraded, and after upgrading again
name = "no user left without a status"
sql = "SELECT count(*) FROM users WHERE status IS NULL"
expect = [[0]]                   # the rows, as PostgreSQL prints them; without
                                 # `expect`, every value of the one row must be true
```

Values go to PostgreSQL as text and take the column's type (inline tables and
arrays become JSON for json and jsonb columns, array literals otherwise). A table or
column that does not exist before the revision is bad input (exit 2).
"""

from __future__ import annotations

import datetime
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from lockwise.errors import BadInput
from lockwise.testing.data_sums import TableName, label, table_name

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    """SQL that must hold after the revision is upgraded."""

    name: str
    sql: str
    expect: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True)
class RevisionData:
    """One revision's file: rows to load before it, checks to run after it."""

    file: str
    rows: Mapping[str, tuple[Row, ...]]
    checks: tuple[Check, ...] = ()


def load_revision_data(folder: Path, revisions: Iterable[str]) -> dict[str, RevisionData]:
    """Read every `<revision>.toml` of `folder`.

    Raises:
        BadInput: the folder is missing, a file is not valid TOML, is named after no
            revision of the project, or holds something other than rows and checks.
    """
    if not folder.is_dir():
        raise BadInput(f"revision_data: no folder {folder}")
    known = set(revisions)
    found = {}
    for path in sorted(folder.glob("*.toml")):
        if path.stem not in known:
            raise BadInput(
                f"{path}: no revision {path.stem} in the project (name files <revision>.toml)"
            )
        found[path.stem] = _revision_data(path)
    return found


def _revision_data(path: Path) -> RevisionData:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: not valid TOML: {error}") from None
    unknown = set(data) - {"before", "check"}
    if unknown:
        raise BadInput(f"{path}: unknown key {sorted(unknown)[0]} (before or check)")
    before = data.get("before", {})
    if not isinstance(before, dict):
        raise BadInput(f"{path}: before must hold tables of rows ([[before.TABLE]])")
    rows = {table: _rows(path, table, found) for table, found in before.items()}
    return RevisionData(str(path), rows, tuple(_check(path, raw) for raw in _list(data, "check")))


def _rows(path: Path, table: str, found: object) -> tuple[Row, ...]:
    rows = [found] if isinstance(found, dict) else found
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise BadInput(f"{path}: before.{table} must be rows ([[before.{table}]])")
    return tuple(rows)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    found = data.get(key, [])
    return found if isinstance(found, list) else [found]


def _check(path: Path, raw: object) -> Check:
    if not isinstance(raw, dict) or not isinstance(raw.get("sql"), str):
        raise BadInput(f'{path}: each [[check]] needs sql = "..."')
    unknown = set(raw) - {"name", "sql", "expect"}
    if unknown:
        raise BadInput(f"{path}: unknown key {sorted(unknown)[0]} in a check (name, sql, expect)")
    expect = raw.get("expect")
    if expect is not None and not (
        isinstance(expect, list) and all(isinstance(row, list) for row in expect)
    ):
        raise BadInput(f"{path}: a check's expect must be a list of rows, such as [[0]]")
    rows = None if expect is None else tuple(tuple(_text(v) for v in row) for row in expect)
    return Check(str(raw.get("name") or raw["sql"]), raw["sql"], rows)


def insert_rows(
    conn: psycopg.Connection[Any],
    data: RevisionData,
    revision: str,
    columns: Mapping[TableName, Mapping[str, str]],
) -> None:
    """Insert the file's rows, in the order it lists them.

    `columns` holds the schema before the revision: per table, each column's type.

    Raises:
        BadInput: a table or column that does not exist, or rows PostgreSQL refuses.
    """
    with conn.transaction():
        for name, rows in data.rows.items():
            table = _table(data, name, revision, columns)
            for row in rows:
                _insert(conn, data, name, table, row, revision, columns[table])


def _table(
    data: RevisionData, name: str, revision: str, columns: Mapping[TableName, object]
) -> TableName:
    found = table_name(name)
    if found not in columns:
        known = ", ".join(sorted(label(t) for t in columns)) or "none"
        raise BadInput(f"{data.file}: no table {name} before revision {revision} (tables: {known})")
    return found


def _insert(
    conn: psycopg.Connection[Any],
    data: RevisionData,
    name: str,
    table: TableName,
    row: Row,
    revision: str,
    types: Mapping[str, str],
) -> None:
    unknown = [column for column in row if column not in types]
    if unknown:
        raise BadInput(
            f"{data.file}: table {name} has no column {unknown[0]} before revision {revision}"
            f" (columns: {', '.join(types)})"
        )
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(*table),
        sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    values = [_value(value, types[column]) for column, value in row.items()]
    try:
        with conn.transaction():
            conn.execute(query, values)
    except psycopg.Error as error:
        message = error.diag.message_primary or str(error)
        raise BadInput(
            f"{data.file}: a row of {name} was refused before revision {revision}: {message}"
        ) from None


def run_checks(conn: psycopg.Connection[Any], checks: Sequence[Check]) -> list[str]:
    """Run each check in a read-only transaction; one line per check that does not hold."""
    failed = []
    for check in checks:
        problem = _run(conn, check)
        if problem:
            failed.append(f"check {check.name!r} {problem}")
    return failed


def _run(conn: psycopg.Connection[Any], check: Check) -> str:
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("SET TRANSACTION READ ONLY")
            rows = _text_rows(conn.execute(check.sql, binary=False))
    except psycopg.Error as error:
        return f"failed: {error.diag.message_primary or error}"
    if check.expect is not None:
        return "" if rows == check.expect else f"expected {_show(check.expect)}, got {_show(rows)}"
    if len(rows) == 1 and rows[0] and all(value == "t" for value in rows[0]):
        return ""
    return f"does not hold: got {_show(rows)}"


def _text_rows(cursor: psycopg.Cursor[Any]) -> tuple[tuple[str, ...], ...]:
    """The result's values as PostgreSQL prints them (text format), NULL as `NULL`."""
    result = cursor.pgresult
    if result is None:
        return ()
    return tuple(
        tuple(_cell(result.get_value(row, column)) for column in range(result.nfields))
        for row in range(result.ntuples)
    )


def _cell(raw: bytes | None) -> str:
    return "NULL" if raw is None else raw.decode()


def _show(rows: tuple[tuple[str, ...], ...]) -> str:
    return json.dumps([list(row) for row in rows])


def _value(value: object, column_type: str) -> str:
    """The value in PostgreSQL's text form, for a parameter of unknown type."""
    if isinstance(value, (dict, list)) and column_type in ("json", "jsonb"):
        return json.dumps(value, default=str)
    if isinstance(value, list):
        return "{" + ",".join(_element(element) for element in value) + "}"
    return _text(value)


def _element(value: object) -> str:
    text = _text(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)
