"""`lockwise review FILE.sql ...`: the rules on plain SQL, statically.

Nothing runs: the statements are parsed with PostgreSQL's own parser (pglast), and
rules decide from the parse tree alone (`RevisionFacts.measured` is False, so there
are no locks, rewrites or scans). A table is "created earlier" when an earlier
statement of the same file creates it.
"""

from __future__ import annotations

from pathlib import Path

import pglast
from pglast import ast

from lockwise.capture.facts import Statement
from lockwise.errors import BadInput
from lockwise.rules.base import RevisionFacts, StatementFacts, relation_name


def sql_file_facts(path: Path, target_version: int = 15) -> RevisionFacts:
    """Parse one SQL file into the facts rules read.

    Raises:
        BadInput: the file is missing or PostgreSQL's parser rejects it.
    """
    try:
        text = path.read_text()
    except OSError as error:
        raise BadInput(f"{path}: {error.strerror}") from None
    created: list[str] = []
    statements = []
    for index, (sql, line) in enumerate(_pieces(text)):
        statement = StatementFacts(index, _statement(path, line, sql, created))
        statements.append(statement)
        if isinstance(statement.node, ast.CreateStmt) and statement.node.relation is not None:
            created.append(relation_name(statement.node.relation))
    return RevisionFacts(
        revision="",
        direction="upgrade",
        statements=tuple(statements),
        target_version=target_version,
        measured=False,
    )


def _pieces(text: str) -> list[tuple[str, int]]:
    """Each statement's text and first line. A statement PostgreSQL's parser rejects
    stays a piece of its own (rules report it as unanalysable), cut at semicolons."""
    data = text.encode()
    comments = ("SQL_COMMENT", "C_COMMENT")
    tokens = [t for t in pglast.parser.scan(text) if t.name not in comments]  # byte offsets
    bounds = [t.end + 1 for t in tokens if t.name == "ASCII_59"]
    pieces, start = [], 0
    for end in [*bounds, len(data)]:
        first = next((t.start for t in tokens if start <= t.start < end), None)
        if first is not None and data[first:end].strip() != b";":
            sql = data[first:end].decode().strip().rstrip(";").strip()
            pieces.append((sql, data[:first].count(b"\n") + 1))
        start = end
    return pieces


def _statement(path: Path, line: int, sql: str, created: list[str]) -> Statement:
    return Statement(
        revision="",
        direction="upgrade",
        file=str(path),
        line=line,
        sql=sql,
        transactional=True,
        duration_ms=0.0,
        locks=(),
        rewrites=(),
        scans=(),
        created_before=tuple(created),
        locks_measured=False,
    )
