"""`# lockwise: ignore[LW207] reason` comments: silencing a finding on purpose.

An ignore covers the whole Python statement it sits on (an `op.*` call may span
several lines); on a line of its own, it covers the statement that follows. An ignore
that silences nothing is itself a finding (LW001 unused-ignore), so stale ones do not
pile up.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from lockwise.config import Settings, check_rule_id
from lockwise.review.engine import found_by_review
from lockwise.review.findings import Finding

_COMMENT = re.compile(r"#\s*lockwise:\s*ignore\[(?P<rules>[^\]]*)\]\s*(?P<reason>.*)$")


@dataclass(frozen=True)
class Ignore:
    """One ignore comment and the lines of the statement it sits on."""

    file: str
    line: int
    first: int
    last: int
    rules: tuple[str, ...]
    reason: str

    def covers(self, finding: Finding) -> bool:
        """True when this comment silences `finding`."""
        line = finding.line or 0
        return finding.rule in self.rules and self.first <= line <= self.last


def ignores_in(path: Path, shown_as: str) -> list[Ignore]:
    """The ignore comments of one migration file.

    Raises:
        BadInput: a comment names a rule lockwise does not know.
    """
    text = path.read_text()
    spans = _statement_spans(text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if match is None:
            continue
        rules = tuple(r.strip() for r in match["rules"].split(",") if r.strip())
        for rule in rules:
            check_rule_id(rule, f"{shown_as}:{number}")
        first, last = spans.get(number) or _next_statement(spans, number)
        found.append(Ignore(shown_as, number, first, last, rules, match["reason"].strip()))
    return found


def _next_statement(spans: dict[int, tuple[int, int]], line: int) -> tuple[int, int]:
    """A comment on a line of its own covers the statement that follows it."""
    following = [number for number in spans if number > line]
    return spans[min(following)] if following else (line, line)


def _statement_spans(text: str) -> dict[int, tuple[int, int]]:
    """For each line, the lines of the innermost simple statement holding it."""
    spans: dict[int, tuple[int, int]] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            end = node.end_lineno or node.lineno
            for line in range(node.lineno, end + 1):
                current = spans.get(line)
                if current is None or (end - node.lineno) < (current[1] - current[0]):
                    spans[line] = (node.lineno, end)
    return spans


def apply_ignores(
    findings: Iterable[Finding], ignores: list[Ignore], settings: Settings
) -> list[Finding]:
    """Drop silenced findings; add an LW001 for each ignore that silenced nothing."""
    kept, used = [], set()
    for finding in findings:
        silencer = next((i for i in ignores if i.file == finding.file and i.covers(finding)), None)
        if silencer is None:
            kept.append(finding)
        else:
            used.add(silencer)
    unused = [_unused(ignore, settings) for ignore in ignores if ignore not in used]
    return kept + [finding for finding in unused if finding is not None]


def _unused(ignore: Ignore, settings: Settings) -> Finding | None:
    return found_by_review(
        "LW001",
        settings,
        revision="",
        direction="",
        file=ignore.file,
        line=ignore.line,
        message=f"ignore[{', '.join(ignore.rules)}] silences nothing here",
        fix="Remove the comment, or move it to the line of the op.* call it is meant for.",
    )


def with_revision(finding: Finding, revision: str) -> Finding:
    """A finding with its revision filled in."""
    return replace(finding, revision=revision)
