"""`review --fix`: the fixes that apply, written into the revision files with LibCST.

Only the `op.*` statement a finding points at is replaced; comments, blank lines and
the rest of the file stay as they were (a concrete syntax tree keeps them). A timeout
goes first in its function, once; `import lockwise.ops` goes after the file's imports.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from lockwise.config import Settings
from lockwise.review.findings import Finding
from lockwise.rewrite import Fix, Subject, code, fix_for
from lockwise.rewrite.calls import OpCall


@dataclass
class _Edits:
    """What one file gets: statements replaced by line, tops by function, imports."""

    replace: dict[int, str] = field(default_factory=dict)
    tops: dict[str, str] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FileFix:
    """One revision file before and after its fixes."""

    path: Path
    before: str
    after: str
    fixed: tuple[str, ...]  # the rule ids fixed, one per finding

    def write(self) -> None:
        """Write the fixed file in place."""
        self.path.write_text(self.after, encoding="utf-8")

    def diff(self, root: Path) -> str:
        """A unified diff, paths relative to `root`."""
        if self.path.is_relative_to(root):
            name = str(self.path.relative_to(root))
            before, after = f"a/{name}", f"b/{name}"
        else:
            before = after = str(self.path)
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            before,
            after,
        )
        return "".join(lines)


def fixes(findings: Iterable[Finding], root: Path, settings: Settings) -> list[FileFix]:
    """The file edits the fixable findings make (nothing is written)."""
    edits: dict[Path, _Edits] = {}
    rules: dict[Path, list[str]] = {}
    for finding in findings:
        path = root / finding.file
        if not finding.fixable or not path.is_file():
            continue
        subject = Subject.of(finding.rule, path, finding.line, finding.sql, finding.table, settings)
        fix = _fix(subject, path)
        if fix is not None and _record(edits.setdefault(path, _Edits()), fix, subject, finding):
            rules.setdefault(path, []).append(finding.rule)
    return [_applied(path, edits[path], found) for path, found in sorted(rules.items())]


def _fix(subject: Subject, path: Path) -> Fix | None:
    """The fix laid out for the file's line length at the statement's indentation."""
    with code.room(code.line_length(path) - _indentation(path, subject.call)):
        fix = fix_for(subject)
    return fix if fix.applies else None


def _indentation(path: Path, call: OpCall | None) -> int:
    """The columns before the statement the fix replaces."""
    if call is None:
        return 4
    line = path.read_text(encoding="utf-8").splitlines()[call.first_line - 1]
    return len(line) - len(line.lstrip())


def _record(edit: _Edits, fix: Fix, subject: Subject, finding: Finding) -> bool:
    """Add one fix to the file's edits; False when it has nowhere to go."""
    call = subject.call if fix.code else None
    if fix.code and call is None:
        return False  # not an op.* statement (batch_op, a helper function): shown only
    if call is not None:
        edit.replace.setdefault(call.first_line, fix.code)
    if fix.top:
        edit.tops.setdefault(finding.direction, fix.top)
    edit.imports.update(fix.imports)
    return True


def _applied(path: Path, edit: _Edits, rules: list[str]) -> FileFix:
    before = path.read_text(encoding="utf-8")
    module = MetadataWrapper(cst.parse_module(before))
    after = module.visit(_Rewrite(edit)).code
    return FileFix(path, before, _with_imports(after, edit.imports), tuple(rules))


class _Rewrite(cst.CSTTransformer):
    """Replaces the statements at the edit's lines; puts each top first in its function."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edit: _Edits) -> None:
        super().__init__()
        self.edit = edit

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        line = self.get_metadata(PositionProvider, original).start.line
        code = self.edit.replace.get(line)
        if code is None:
            return updated
        new = list(cst.parse_module(code + "\n").body)
        new[0] = new[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(new)

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        top = self.edit.tops.get(updated.name.value)
        if top is None or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        body = list(updated.body.body)
        if any(_code(statement).strip() == top for statement in body):
            return updated
        at = 1 if body and _is_docstring(body[0]) else 0
        statement = cst.parse_statement(top + "\n")
        return updated.with_changes(
            body=updated.body.with_changes(body=[*body[:at], statement, *body[at:]])
        )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    expression = statement.body[0]
    return isinstance(expression, cst.Expr) and isinstance(expression.value, cst.SimpleString)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _with_imports(source: str, imports: Iterable[str]) -> str:
    """The source with each missing import after the file's last top-level import."""
    module = cst.parse_module(source)
    missing = [i for i in sorted(imports) if not _imports(module.body, i)]
    if not missing:
        return source
    body = list(module.body)
    last = max((n for n, s in enumerate(body) if _is_import(s)), default=-1)
    new = [cst.parse_statement(i + "\n") for i in missing]
    return module.with_changes(body=[*body[: last + 1], *new, *body[last + 1 :]]).code


def _imports(body: Sequence[cst.BaseStatement], line: str) -> bool:
    return any(_code(statement).strip() == line for statement in body)


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Import | cst.ImportFrom) for s in statement.body
    )
