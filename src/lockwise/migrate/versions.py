"""Where a database stands in the project's history: its version table against the heads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from psycopg import sql

from lockwise.project import Project

State = Literal["head", "behind", "unknown", "untracked"]


@dataclass(frozen=True)
class VersionStatus:
    """The revisions a database's version table holds, compared with the project's heads.

    Attributes:
        state: `head`; `behind` (revisions left to run); `unknown` (a revision the
            project does not have); `untracked` (no version table: not under Alembic).
        tables: The version tables read.
        current: The revisions the version tables hold.
        heads: The project's heads.
        behind: How many of the project's revisions the database has not run.
        unknown: The revisions of `current` the project does not have.
    """

    state: State
    tables: tuple[str, ...]
    current: tuple[str, ...]
    heads: tuple[str, ...]
    behind: int = 0
    unknown: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the database is at the head(s)."""
        return self.state == "head"

    @property
    def message(self) -> str:
        """One sentence for a reader."""
        tables = ", ".join(self.tables)
        if self.state == "untracked":
            return f"no {tables} table: the database is not under Alembic"
        at = ", ".join(self.current) or "base (the version table is empty)"
        if self.state == "head":
            return f"at head ({at})"
        if self.state == "behind":
            count = f"{self.behind} revision{'s' if self.behind != 1 else ''}"
            return f"behind by {count}: at {at}, head {', '.join(self.heads)}"
        return (
            f"at {', '.join(self.unknown)}, which this project does not have: the database is"
            " probably ahead of this checkout (migrated by newer code), or the revision file"
            " was deleted or renamed"
        )


def read_versions(conn: psycopg.Connection[Any], tables: Iterable[str]) -> tuple[str, ...] | None:
    """The revisions the version tables hold; None when none of them exists."""
    found: list[str] = []
    exists = False
    for table in sorted(tables):
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [_quoted(table)]).fetchone()
        if row is None or not row[0]:
            continue
        exists = True
        query = sql.SQL("SELECT version_num FROM {}").format(sql.Identifier(*table.split(".", 1)))
        found += [str(version) for (version,) in conn.execute(query).fetchall()]
    return tuple(sorted(found)) if exists else None


def _quoted(table: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in table.split(".", 1))


def version_status(
    project: Project, tables: Iterable[str], current: tuple[str, ...] | None
) -> VersionStatus:
    """Compare what a version table holds (`current`; None: no table) with the project."""
    names = tuple(sorted(tables))
    heads = tuple(sorted(project.heads))
    if current is None:
        return VersionStatus("untracked", names, (), heads)
    known = {revision.id for revision in project.revisions}
    unknown = tuple(version for version in current if version not in known)
    if unknown:
        return VersionStatus("unknown", names, current, heads, unknown=unknown)
    behind = len(known - project.ancestry(current))
    state: State = "behind" if behind else "head"
    return VersionStatus(state, names, current, heads, behind=behind)
