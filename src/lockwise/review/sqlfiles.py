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
        parsed = pglast.parse_sql(text)
    except OSError as error:
        raise BadInput(f"{path}: {error.strerror}") from None
    except pglast.parser.ParseError as error:
        raise BadInput(f"{path}: {error}") from None
    created: list[str] = []
    statements = []
    for index, raw in enumerate(parsed):
        sql = _text_of(text, raw)
        statements.append(StatementFacts(index, _statement(path, text, raw, sql, created)))
        if isinstance(raw.stmt, ast.CreateStmt) and raw.stmt.relation is not None:
            created.append(relation_name(raw.stmt.relation))
    return RevisionFacts(
        revision="",
        direction="upgrade",
        statements=tuple(statements),
        target_version=target_version,
        measured=False,
    )


def _text_of(text: str, raw: ast.RawStmt) -> str:
    # pglast reports byte offsets into the UTF-8 encoded text.
    data = text.encode()
    start = raw.stmt_location or 0
    end = start + raw.stmt_len if raw.stmt_len else len(data)
    return data[start:end].decode().strip()


def _statement(path: Path, text: str, raw: ast.RawStmt, sql: str, created: list[str]) -> Statement:
    start = raw.stmt_location or 0
    prefix = text.encode()[:start].decode()
    leading = len(prefix + _leading_space(text.encode()[start:].decode()))
    return Statement(
        revision="",
        direction="upgrade",
        file=str(path),
        line=text[:leading].count("\n") + 1,
        sql=sql,
        transactional=True,
        duration_ms=0.0,
        locks=(),
        rewrites=(),
        scans=(),
        created_before=tuple(created),
        locks_measured=False,
    )


def _leading_space(rest: str) -> str:
    return rest[: len(rest) - len(rest.lstrip())]
