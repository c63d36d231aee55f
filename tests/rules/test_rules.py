"""Every rule's examples, on a real server: bad ones flagged, good ones clean, lock measured."""

from __future__ import annotations

import pytest

from lockwise.database.server import Server
from lockwise.review.examples import run_example
from lockwise.rules import RULES
from lockwise.rules.base import Example, Rule

# LW001 and LW410 are found by review itself: tests/rules/test_review_found_rules.py
CHECKED = [rule for rule in RULES if rule.scope == "statements"]
BAD = [(rule, example) for rule in CHECKED for example in rule.bad]
GOOD = [(rule, example) for rule in CHECKED for example in rule.good]


def ids(case: tuple[Rule, Example]) -> str:
    rule, example = case
    kind = "bad" if example in rule.bad else "good"
    return f"{rule.id}-{kind}{(rule.bad if kind == 'bad' else rule.good).index(example)}"


@pytest.mark.parametrize("case", BAD, ids=ids)
def test_bad_example_is_flagged_with_the_lock_the_rule_claims(
    pg_server: Server, case: tuple[Rule, Example]
) -> None:
    rule, example = case
    facts = run_example(pg_server, example)
    hits = list(rule.check(facts))
    assert hits, f"{rule.id} did not flag:\n{example.upgrade}"
    flagged = [facts.statements[h.statement] for h in hits if h.statement is not None]
    if rule.lock and flagged:
        assert any(s.holds(rule.lock) for s in flagged), [s.captured.locks for s in flagged]


@pytest.mark.parametrize("case", GOOD, ids=ids)
def test_good_example_is_clean(pg_server: Server, case: tuple[Rule, Example]) -> None:
    rule, example = case
    assert list(rule.check(run_example(pg_server, example))) == []
