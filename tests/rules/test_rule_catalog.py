"""The rule catalog holds together: one module per rule, named after it, unique ids."""

from __future__ import annotations

import sys

from lockwise.rules import BY_ID, RULES
from lockwise.rules.base import SEVERITIES


def test_each_module_is_named_after_its_rule() -> None:
    for rule in RULES:
        module = sys.modules[rule.check.__module__].__name__.rsplit(".", 1)[1]
        assert module == rule.name.replace("-", "_"), rule.id


def test_rule_ids_are_unique_and_well_formed() -> None:
    assert len(BY_ID) == len(RULES)
    assert all(rule.id.startswith("LW") and len(rule.id) == 5 for rule in RULES)


def test_every_rule_explains_itself_and_has_examples() -> None:
    for rule in RULES:
        assert rule.severity in SEVERITIES and rule.summary and rule.why and rule.fix, rule.id
        assert (rule.bad and rule.good) or rule.scope in ("history", "manifest"), rule.id
