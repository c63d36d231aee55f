"""Every rule's examples, on a real server: bad ones flagged, good ones clean, lock measured."""

from __future__ import annotations

import pytest

from lockwise.database.server import Server
from lockwise.review.examples import ExampleRunner
from lockwise.rules import BY_ID, RULES
from lockwise.rules.base import Example, RevisionFacts, Rule

# Examples may use syntax that only the newest server (the embedded one) knows, such as
# PostgreSQL 17's SET EXPRESSION: an older server rejects it, so measures nothing for it.
NEWEST = 18

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
    pg_server: Server, examples: ExampleRunner, case: tuple[Rule, Example]
) -> None:
    rule, example = case
    facts = examples.run(example)
    hits = list(rule.check(facts))
    assert hits, f"{rule.id} did not flag:\n{example.upgrade}"
    if too_new(pg_server, facts):
        return  # flagged from the parse tree; this server took no lock for it
    flagged = [facts.statements[h.statement] for h in hits if h.statement is not None]
    if rule.lock and flagged:
        assert any(s.holds(rule.lock) for s in flagged), [s.captured.locks for s in flagged]


@pytest.mark.parametrize("case", GOOD, ids=ids)
def test_good_example_is_clean(examples: ExampleRunner, case: tuple[Rule, Example]) -> None:
    rule, example = case
    assert list(rule.check(examples.run(example))) == []


def major(server: Server) -> int:
    return int(server.version().split(".")[0])


def too_new(server: Server, facts: RevisionFacts) -> bool:
    """The example failed on its syntax on a server older than the newest one."""
    failure = facts.failure
    syntax = failure is not None and failure.error.startswith("syntax error")
    return syntax and major(server) < NEWEST


def test_an_example_in_syntax_this_server_predates_is_still_flagged(
    pg_server: Server, examples: ExampleRunner
) -> None:
    facts = examples.run(BY_ID["LW114"].bad[0])  # SET EXPRESSION: PostgreSQL 17+
    assert list(BY_ID["LW114"].check(facts))
    assert too_new(pg_server, facts) == (major(pg_server) < 17)
