"""`lockwise status`: what state a database is in, and the command that fixes each problem.

Read-only on the database: one repeatable-read, read-only transaction (refused if the
server will not give one). It reports:

- where the database is against the head(s): at head, behind (and what would run),
  untracked (no version table), or at a revision the project does not know;
- several heads nobody merged, with the `alembic merge` that joins them;
- INVALID indexes (a concurrent build that failed, or one running now) and constraints
  left NOT VALID;
- a revision that failed halfway: the database is behind, yet objects the next revision
  creates are there. To know what the next revision creates, it is run on a scratch
  database brought to the database's revision (the only place anything runs).

Every suggestion is a command to copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql
from sqlalchemy.engine import make_url

from lockwise.database.catalog import Catalog, Item, snapshot
from lockwise.database.read_only import read_only
from lockwise.database.scratch import ScratchSession
from lockwise.errors import LockwiseError
from lockwise.migrate.baseline import fresh_database
from lockwise.migrate.steps import Target, probe, run_step, shared_connection, upgrade_in_one_run
from lockwise.migrate.versions import VersionStatus, read_versions, version_status
from lockwise.project import Project, Revision, heads_problem
from lockwise.release.apply import mentions
from lockwise.urls import redact

_INVALID = """
SELECT n.nspname, c.relname, t.relname, p.pid
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_progress_create_index p ON p.index_relid = i.indexrelid
WHERE NOT i.indisvalid
ORDER BY 1, 2
"""
_NOT_VALID = """
SELECT n.nspname, t.relname, c.conname
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE NOT c.convalidated AND c.contype IN ('c', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the database or the history, and the commands that fix it."""

    kind: str  # heads, unknown, untracked, behind, halfway, invalid index, not valid
    message: str
    commands: tuple[str, ...]


@dataclass(frozen=True)
class StatusReport:
    """`lockwise status`: where the database is, and what is wrong with it."""

    database: str
    postgres: str
    version: VersionStatus
    pending: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the database is at the head with nothing to fix."""
        return not self.problems


@dataclass(frozen=True)
class _Read:
    versions: tuple[str, ...] | None
    catalog: Catalog
    invalid: list[tuple[str, str, str, int | None]]
    not_valid: list[tuple[str, str, str]]
    postgres: str


def status(
    project: Project, url: str, session: ScratchSession, project_arg: str = "."
) -> StatusReport:
    """Read the database at `url` (read-only) and explain its state against `project`.

    `session` makes the scratch database a halfway check needs; `project_arg` is how
    the user named the project, for the commands suggested.

    Raises:
        BadInput: no read-only transaction on `url`; env.py fails (exit 2).
        DatabaseUnavailable: `url` cannot be reached (exit 3).
    """
    scratch = session.create()
    target = probe(project, scratch.url)
    read = _read(url, target)
    version = version_status(project, target.version_tables, read.versions)
    current = read.versions or ()
    pending = (
        [r for r in project.revisions if r.id not in project.ancestry(current)]
        if version.state in ("behind", "untracked")
        else []
    )
    named = "" if project_arg == "." else f" {project_arg}"
    # a URL with a password is never printed: the command then names it as plan does
    shown = '"$DATABASE_URL"' if make_url(url).password else f"'{url}'"
    apply = f"lockwise apply{named} --url {shown}"
    verify = f"lockwise verify{named} --url {shown}"
    problems = _heads(project) + _version(project, version, pending, apply, verify)
    if version.state in ("behind", "untracked"):
        problems += _halfway(project, session, target, current, pending, read.catalog, apply)
    problems += _invalid(read.invalid, pending, apply) + _not_valid(read.not_valid)
    return StatusReport(
        redact(url), read.postgres, version, tuple(r.id for r in pending), tuple(problems)
    )


def _read(url: str, target: Target) -> _Read:
    with read_only(url, "status") as conn:
        versions = read_versions(conn, target.version_tables)
        catalog = snapshot(conn, exclude_tables=frozenset(target.version_tables))
        invalid = [(s, i, t, p) for s, i, t, p in conn.execute(_INVALID).fetchall()]
        not_valid = [(s, t, c) for s, t, c in conn.execute(_NOT_VALID).fetchall()]
        row = conn.execute("SHOW server_version").fetchone()
    return _Read(versions, catalog, invalid, not_valid, str(row[0]).split()[0] if row else "")


def _heads(project: Project) -> list[Problem]:
    problem = heads_problem(project.revisions, project.heads)
    if not problem:
        return []
    return [
        Problem(
            "heads",
            f"the history has {len(project.heads)} heads nobody merged: each branch's"
            " revisions may run in an order nobody reviewed",
            (f'alembic merge -m "merge heads" {" ".join(project.heads)}',),
        )
    ]


def _version(
    project: Project, version: VersionStatus, pending: list[Revision], apply: str, verify: str
) -> list[Problem]:
    if version.state == "unknown":
        unknown = ", ".join(version.unknown)
        folder = project.relative(project.revisions[0].path.parent) if project.revisions else "."
        return [
            Problem(
                "unknown",
                f"the database is at {unknown}, a revision this project does not know: it"
                " was applied from a branch that is not merged here, or its file was deleted",
                (
                    f"git log --all --oneline -S {version.unknown[0]} -- {folder}",
                    f"{verify}  # does its schema match the models at the head?",
                    "# if it does, record the head:",
                    f"alembic stamp --purge {project.heads[0] if project.heads else 'head'}",
                ),
            )
        ]
    if version.state == "untracked":
        return [
            Problem(
                "untracked",
                f"the database has no {', '.join(version.tables)} table: no revision was"
                " applied here, or it was made some other way",
                (apply, "# or, if its schema already matches a revision: alembic stamp REV"),
            )
        ]
    if version.state == "behind":
        count = len(pending)
        return [
            Problem(
                "behind",
                f"{count} revision{'s' * (count != 1)} to apply: "
                + ", ".join(r.id for r in pending),
                (apply,),
            )
        ]
    return []


def _halfway(
    project: Project,
    session: ScratchSession,
    target: Target,
    current: tuple[str, ...],
    pending: list[Revision],
    production: Catalog,
    apply: str,
) -> list[Problem]:
    """The next revisions whose objects already exist in `production`."""
    applied = project.ancestry(current)
    nexts = [r for r in pending if all(p in applied for p in project.parents(r))]
    present = {item.key for item in production.items}
    problems: list[Problem] = []
    for revision in nexts:
        created = _created_by(project, session, target, current, revision)
        there = [item for item in created if item.key in present]
        if not there:
            continue
        names = ", ".join(item.label for item in there)
        if len(there) == len(created):
            problems.append(
                Problem(
                    "halfway",
                    f"{revision.id} ran but is not recorded: everything it creates is there"
                    f" ({names}); if its data steps ran too, record it",
                    (f"alembic stamp {revision.id}",),
                )
            )
        else:
            missing = ", ".join(item.label for item in created if item.key not in present)
            problems.append(
                Problem(
                    "halfway",
                    f"{revision.id} failed halfway: {names} exist, {missing} do not; drop"
                    " what it left, then apply it again (or apply again if it is written"
                    " to complete a rerun, with IF NOT EXISTS)",
                    (*_drops(there), apply),
                )
            )
    return problems


def _created_by(
    project: Project,
    session: ScratchSession,
    target: Target,
    current: tuple[str, ...],
    revision: Revision,
) -> list[Item]:
    """What `revision` adds to a database at `current`, run on a scratch copy."""
    database = fresh_database(project, session)
    before_ids = project.ancestry(current)
    connection = shared_connection(project, database.url) if target.takes_connection else None
    try:
        done = [r for r in project.revisions if r.id in before_ids]
        if done and not upgrade_in_one_run(project, database.url, done, connection):
            return []  # the history does not replay: lockwise test says why
        with session.server.connect(database.name) as conn:
            before = snapshot(conn, exclude_tables=frozenset(target.version_tables))
        try:
            run_step(project, database.url, revision, "upgrade", connection)
        except LockwiseError:
            return []
        with session.server.connect(database.name) as conn:
            after = snapshot(conn, exclude_tables=frozenset(target.version_tables))
    finally:
        if connection is not None:
            connection.close()
        session.drop(database)
    old = {item.key for item in before.items}
    return [item for item in after.items if item.key not in old]


def _drops(items: list[Item]) -> list[str]:
    """Commands that drop `items`, leaving out what hangs on a table dropped with them."""
    tables = {(item.schema, item.name) for item in items if item.kind == "table"}
    return [
        _drop(item)
        for item in items
        if item.kind == "table" or (item.schema, item.table) not in tables
    ]


def _drop(item: Item) -> str:
    name = sql.Identifier(item.schema, item.name).as_string()
    table = sql.Identifier(item.schema, item.table).as_string() if item.table else ""
    own = sql.Identifier(item.name).as_string()
    kinds = {
        "index": f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        "table": f"DROP TABLE IF EXISTS {name};",
        "column": f"ALTER TABLE {table} DROP COLUMN IF EXISTS {own};",
        "constraint": f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {own};",
        "enum type": f"DROP TYPE IF EXISTS {name};",
        "sequence": f"DROP SEQUENCE IF EXISTS {name};",
        "view": f"DROP VIEW IF EXISTS {name};",
    }
    return kinds.get(item.kind, f"-- drop {item.label} by hand")


def _invalid(
    invalid: list[tuple[str, str, str, int | None]], pending: list[Revision], apply: str
) -> list[Problem]:
    problems: list[Problem] = []
    for schema, index, table, building in invalid:
        qualified = sql.Identifier(schema, index).as_string()
        if building is not None:
            problems.append(
                Problem(
                    "invalid index",
                    f"index {schema}.{index} on {table} is being built now (pid {building})",
                    (f"SELECT pg_cancel_backend({building});  -- only to stop that build",),
                )
            )
            continue
        rebuilt_by = next((r.id for r in pending if mentions(r.path.read_text(), index)), None)
        then = (
            f"{apply}  # {rebuilt_by} builds it again"
            if rebuilt_by
            else f"REINDEX INDEX CONCURRENTLY {qualified};"
        )
        problems.append(
            Problem(
                "invalid index",
                f"index {schema}.{index} on {table} is INVALID: a concurrent build failed;"
                " queries do not use it, yet every write still updates it",
                (f"DROP INDEX CONCURRENTLY IF EXISTS {qualified};", then)
                if rebuilt_by
                else (then,),
            )
        )
    return problems


def _not_valid(constraints: list[tuple[str, str, str]]) -> list[Problem]:
    return [
        Problem(
            "not valid",
            f"constraint {constraint} on {schema}.{table} is NOT VALID: new rows are checked,"
            " the rows already there are not",
            (
                f"ALTER TABLE {sql.Identifier(schema, table).as_string()}"
                f" VALIDATE CONSTRAINT {sql.Identifier(constraint).as_string()};",
            ),
        )
        for schema, table, constraint in constraints
    ]
