"""Python source for fixes, laid out the way `ruff format` lays it out.

A fix is read in a report and may be written into a revision file, so it has to be
code a formatter leaves alone: double quotes, calls that fit on one line of 88
characters or else wrap as `ruff format` wraps them.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path

WIDTH = 88  # ruff's and black's default line length
_room: ContextVar[int] = ContextVar("room", default=WIDTH)
AUTOCOMMIT = "with op.get_context().autocommit_block():"


def q(text: str) -> str:
    """A Python string literal, double-quoted where the text allows it."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def names(items: Sequence[str]) -> str:
    """A list of string literals: `["a", "b"]`."""
    return "[" + ", ".join(q(item) for item in items) + "]"


def call(
    function: str, args: Sequence[str], kwargs: Mapping[str, str] | None = None, indent: int = 0
) -> str:
    """`function(args, key=value)`, on one line if it fits, else wrapped as ruff wraps it."""
    parts = list(args) + [f"{key}={value}" for key, value in (kwargs or {}).items()]
    pad = " " * indent
    room = _room.get()
    one_line = f"{pad}{function}({', '.join(parts)})"
    if len(one_line) <= room and "\n" not in one_line:
        return one_line
    hugged = f"{pad}    {', '.join(parts)}"
    if (len(hugged) <= room or len(parts) == 1) and "\n" not in hugged:
        return f"{pad}{function}(\n{hugged}\n{pad})"
    body = "".join(f"{pad}    {_indented(part, pad + '    ')},\n" for part in parts)
    return f"{pad}{function}(\n{body}{pad})"


@contextlib.contextmanager
def room(columns: int) -> Iterator[None]:
    """Lay calls out for `columns` characters (the line length left at an indentation)."""
    token = _room.set(columns)
    try:
        yield
    finally:
        _room.reset(token)


def line_length(path: Path) -> int:
    """The formatter's line length for a file: ruff's or black's setting, else 88."""
    for folder in path.resolve().parents:
        for name in ("ruff.toml", ".ruff.toml", "pyproject.toml"):
            found = _configured(folder / name)
            if found is not None:
                return found
    return WIDTH


def _configured(config: Path) -> int | None:
    if not config.is_file():
        return None
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return None
    tools = data if config.name != "pyproject.toml" else data.get("tool", {})
    ruff = tools if config.name != "pyproject.toml" else tools.get("ruff", {})
    for section in (ruff, tools.get("black", {})):
        value = section.get("line-length", section.get("line_length"))
        if isinstance(value, int):
            return value
    return None


def _indented(part: str, pad: str) -> str:
    """An argument's own later lines, moved to the new indentation as a block: the least
    indented keeps `pad`, the others keep their depth relative to it."""
    lines = part.split("\n")
    later = [line for line in lines[1:] if line.strip()]
    least = min((len(line) - len(line.lstrip()) for line in later), default=0)
    moved = [pad + line[least:] if line.strip() else "" for line in lines[1:]]
    return "\n".join([lines[0], *moved])


def execute(sql: str, indent: int = 0) -> str:
    """`op.execute("...")` for one SQL statement."""
    return call("op.execute", [q(sql)], indent=indent)


def autocommit(*statements: str) -> str:
    """Statements (written at indent 4) inside an autocommit block."""
    return AUTOCOMMIT + "\n" + "\n".join(statements)


def comment(text: str) -> str:
    """A comment line per line of `text`."""
    return "\n".join(f"# {line}" if line else "#" for line in text.splitlines())


def postgres_name(table: str, columns: Sequence[str], label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint (`orders_user_id_fkey`).

    As its `makeObjectName` does: the longer of the table and the columns part is cut
    first, a character at a time, until the whole fits 63 bytes with the label kept.
    """
    first, second = table.rpartition(".")[2], "_".join(columns)
    room = 63 - len(label) - 1 - (1 if second else 0)
    keep_first, keep_second = len(first), len(second)
    while keep_first + keep_second > room:
        if keep_first > keep_second:
            keep_first -= 1
        else:
            keep_second -= 1
    parts = [first[:keep_first], second[:keep_second]] if second else [first[:keep_first]]
    return "_".join([*parts, label])
