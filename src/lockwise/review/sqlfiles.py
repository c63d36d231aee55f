"""`lockwise review FILE.sql ...`: the rules on plain SQL, statically.

Nothing runs: the statements are parsed with PostgreSQL's own parser (pglast), and
rules decide from the parse tree alone (`RevisionFacts.measured` is False, so there
are no locks, rewrites or scans). A table is "created earlier" when an earlier
statement of the same file creates it. Statements run as psql runs them: each in its
own transaction, unless the file opens one (BEGIN ... COMMIT) or `--single-transaction`
(psql -1) wraps the whole file in one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pglast
from pglast import ast
from pglast.enums.parsenodes import TransactionStmtKind

from lockwise.capture.facts import Statement
from lockwise.config import Settings
from lockwise.errors import BadInput
from lockwise.rules.base import RevisionFacts, StatementFacts, relation_name


def sql_file_facts(
    path: Path, settings: Settings | None = None, single_transaction: bool = False
) -> RevisionFacts:
    """Parse one SQL file into the facts rules read.

    Raises:
        BadInput: the file is missing or PostgreSQL's parser rejects it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise BadInput(f"{path}: not UTF-8 text (byte {error.start + 1}), so not SQL") from None
    if "\0" in text:
        raise BadInput(f"{path}: holds NUL bytes, so not SQL")
    created: list[str] = []
    statements = []
    in_block = single_transaction
    for index, (sql, line) in enumerate(_pieces(path, text)):
        statement = StatementFacts(index, _statement(path, line, sql, created, in_block))
        statements.append(statement)
        in_block = single_transaction or _in_block_after(statement.node, in_block)
        if isinstance(statement.node, ast.CreateStmt) and statement.node.relation is not None:
            created.append(relation_name(statement.node.relation))
    return RevisionFacts(
        revision="",
        direction="upgrade",
        statements=tuple(statements),
        target_version=(settings or Settings()).target_version,
        settings=(settings or Settings()).facts_settings(),
        measured=False,
    )


def _pieces(path: Path, text: str) -> list[tuple[str, int]]:
    """Each statement's text and first line. A statement PostgreSQL's parser rejects
    stays a piece of its own (rules report it as unanalysable), cut at semicolons.

    Raises:
        BadInput: the scanner cannot tokenize the file (an unterminated quote).
    """
    comments = ("SQL_COMMENT", "C_COMMENT")
    # Token offsets count characters of `text`, not bytes (inclusive ends).
    tokens = [t for t in _scan(path, text) if t.name not in comments]
    pieces: list[tuple[str, int]] = []
    first: int | None = None  # where the statement being read starts
    line, counted = 1, 0  # the line at offset `counted`, counted forward once
    for token in [*tokens, None]:
        if token is not None and first is None:
            first = token.start
        if token is not None and token.name != "ASCII_59":
            continue
        end = len(text) if token is None else token.end + 1
        if first is not None and text[first:end].strip() != ";":
            line, counted = line + text.count("\n", counted, first), first
            pieces.append((text[first:end].strip().rstrip(";").strip(), line))
        first = None
    return pieces


def _scan(path: Path, text: str) -> list[Any]:
    try:
        return list(pglast.parser.scan(text))
    except pglast.parser.ParseError as error:
        message, offset = str(error.args[0]), error.args[1] if len(error.args) > 1 else 0
        line = text.count("\n", 0, offset) + 1
        raise BadInput(f"{path}:{line}: {message.split(' at or near ')[0]}") from None


_OPENS = (TransactionStmtKind.TRANS_STMT_BEGIN, TransactionStmtKind.TRANS_STMT_START)
_CLOSES = (
    TransactionStmtKind.TRANS_STMT_COMMIT,
    TransactionStmtKind.TRANS_STMT_ROLLBACK,
    TransactionStmtKind.TRANS_STMT_PREPARE,
)


def _in_block_after(node: object, in_block: bool) -> bool:
    """Whether a transaction block is open after this statement (BEGIN opens, COMMIT ends)."""
    if isinstance(node, ast.TransactionStmt):
        if node.kind in _OPENS:
            return True
        if node.kind in _CLOSES:
            return False
    return in_block


def _statement(
    path: Path, line: int, sql: str, created: list[str], transactional: bool
) -> Statement:
    return Statement(
        revision="",
        direction="upgrade",
        file=str(path),
        line=line,
        sql=sql,
        transactional=transactional,
        duration_ms=0.0,
        locks=(),
        rewrites=(),
        scans=(),
        created_before=tuple(created),
        locks_measured=False,
    )
