"""What a fix is built from, and what it is: the finding's op and statement; the code."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pglast
from pglast import ast
from pglast.stream import RawStream

from lockwise.config import Settings
from lockwise.rewrite.calls import OpCall, call_at
from lockwise.rules.base import relation_name

OPS_IMPORT = "import lockwise.ops"


@dataclass(frozen=True)
class Subject:
    """One finding's material: the `op.*` call at its line and the SQL it sent.

    Attributes:
        rule: The rule id.
        call: The `op.*` call at the finding's line, when the file has one.
        sql: The statement PostgreSQL received, when the finding is about one.
        table: The table the finding is about, as review found it.
        target_version: The production PostgreSQL major version.
        lock_timeout: The project's `lock_timeout` setting, for timeout fixes.
        statement_timeout: The project's `statement_timeout` setting ("" when unset).
    """

    rule: str
    call: OpCall | None
    sql: str | None
    table: str = ""
    target_version: int = 15
    lock_timeout: str = "2s"
    statement_timeout: str = ""

    @classmethod
    def of(
        cls,
        rule: str,
        path: Path | None,
        line: int | None,
        sql: str | None,
        table: str,
        settings: Settings,
    ) -> Subject:
        """A finding's subject: the op call at its line (for a statement's finding)."""
        return cls(
            rule=rule,
            call=call_at(path, line) if path is not None and sql is not None else None,
            sql=sql,
            table=table,
            target_version=settings.target_version,
            lock_timeout=settings.lock_timeout,
            statement_timeout=settings.statement_timeout,
        )

    def node(self) -> Any:
        """A fresh parse tree of the statement (fixes edit it), or None."""
        if not self.sql:
            return None
        try:
            parsed = pglast.parse_sql(self.sql)
        except pglast.parser.ParseError:
            return None
        return parsed[0].stmt if len(parsed) == 1 else None

    def called(self, *names: str) -> OpCall | None:
        """The call, when it is one of `op.<names>`."""
        return self.call if self.call is not None and self.call.name in names else None

    def executed(self) -> bool:
        """The statement came from `op.execute` (or a plain SQL file): fixes rewrite the SQL."""
        return self.call is None or self.call.name == "execute"


@dataclass(frozen=True)
class Fix:
    """The safe code for one finding.

    Attributes:
        code: What to write instead of the `op.*` statement ("" to keep it as it is).
        applies: `review --fix` may write `code` in place of the statement; False for
            a plan a person has to carry out (several releases, a value to choose).
        top: A statement for the top of the function (a timeout), or "".
        imports: Import lines the code needs.
    """

    code: str
    applies: bool = False
    top: str = ""
    imports: tuple[str, ...] = ()

    def text(self) -> str:
        """The fix as a report shows it: the top statement, then the code."""
        return "\n".join(part for part in (self.top, self.code) if part)


def sql_of(node: Any) -> str:
    """A parse tree as SQL, as PostgreSQL's own deparser writes it."""
    return str(RawStream()(node))


def name_of(node: ast.RangeVar | None) -> str:
    """A relation as a fix names it (`schema.name` outside `public`)."""
    return relation_name(node) if node is not None else ""
