"""What a user reads for each rule's bad example: the message and the fix, as snapshots.

Each rule's bad examples are reviewed as a user's project would be (`lockwise review`
on a two-revision project, PostgreSQL 18), and the rule's findings, with their line,
severity, message and fix, are compared with `tests/rules/snapshots/<rule id>.txt`.
A change to what a rule says shows up in the diff of that file. After a deliberate
change, rewrite the files with LOCKWISE_UPDATE_SNAPSHOTS=1.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.examples import write_example
from lockwise.rules import RULES
from lockwise.rules.base import Rule

SNAPSHOTS = Path(__file__).parent / "snapshots"
SHOWN = [rule for rule in RULES if rule.bad]


def shown(server: Server, tmp_path: Path, rule: Rule) -> str:
    """The rule's findings on each of its bad examples, as the snapshot file holds them."""
    parts = [f"{rule.id} {rule.name}\n"]
    for number, example in enumerate(rule.bad, start=1):
        project = write_example(tmp_path / f"bad{number}", example)
        report = commands.review(project, server.url, "e0000001:")
        found = [f for f in report.findings if f.rule == rule.id and f.direction != "downgrade"]
        parts.append(f"== bad example {number}\n{textwrap.indent(example.upgrade, '    ')}\n")
        if not found:
            parts.append("-- no finding\n")
        for finding in found:
            where = f"line {finding.line}" if finding.line else "the revision"
            parts.append(f"-- {finding.severity} at {where}: {finding.message}")
            parts.append(f"fix{' (review --fix applies it)' if finding.fixable else ''}:")
            parts.append(textwrap.indent(finding.fix, "    ") + "\n")
    return "\n".join(parts)


@pytest.mark.parametrize("rule", SHOWN, ids=[rule.id for rule in SHOWN])
def test_message_and_fix_of_each_bad_example(pg_server: Server, tmp_path: Path, rule: Rule) -> None:
    if not pg_server.version().startswith("18"):
        pytest.skip("snapshots are taken on PostgreSQL 18; measured facts differ by version")
    text = shown(pg_server, tmp_path, rule)
    path = SNAPSHOTS / f"{rule.id}.txt"
    if os.environ.get("LOCKWISE_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot for {rule.id}: run with LOCKWISE_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text()
