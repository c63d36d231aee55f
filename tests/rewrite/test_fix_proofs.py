"""Each rewrite, proved on the server: the rule's bad example, fixed, no longer flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockwise import commands
from lockwise.database.server import Server
from lockwise.review.examples import write_example
from lockwise.rules import BY_ID

# The rules whose fix is a rewrite `review --fix` writes (the others get a plan). LW309's
# rewrite makes the new enum value rerunnable; where it belongs stays the author's call.
REWRITTEN = ["LW101", "LW106", "LW201", "LW202", "LW204", "LW207", "LW208", "LW209"]
CASES = [(rule, n) for rule in REWRITTEN for n in range(len(BY_ID[rule].bad))]


@pytest.mark.parametrize(("rule", "number"), CASES)
def test_the_fixed_bad_example_is_clean(
    pg_server: Server, tmp_path: Path, rule: str, number: int
) -> None:
    project = write_example(tmp_path, BY_ID[rule].bad[number])
    before = commands.review(project, pg_server.url, "e0000001:")
    assert any(f.rule == rule and f.fixable for f in before.findings), before.findings
    for change in commands.fix(project, before):
        change.write()
    after = commands.review(project, pg_server.url, "e0000001:")
    upgrade = [f for f in after.findings if f.direction == "upgrade"]
    assert [f.rule for f in upgrade if f.rule == rule or f.severity == "error"] == []
    assert not after.failures
