"""The rule catalog: every module of this package that builds a `RULE`.

Adding a rule is writing one module, `rules/<name_in_snake_case>.py`, that builds a
`RULE`; nothing else to edit. Modules starting with `_` are helpers shared by rules.
`tests/rules/test_rule_catalog.py` checks that each module's name matches its rule's
name and that ids are unique.
"""

from __future__ import annotations

import importlib
import pkgutil

from lockwise.rules.base import Rule

_NOT_RULES = frozenset({"base"})


def _discover() -> tuple[Rule, ...]:
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name not in _NOT_RULES and not module.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{module.name}").RULE)
    return tuple(sorted(found, key=lambda rule: rule.id))


RULES: tuple[Rule, ...] = _discover()
BY_ID = {rule.id: rule for rule in RULES}
BY_NAME = {rule.name: rule for rule in RULES}

__all__ = ["BY_ID", "BY_NAME", "RULES", "Rule"]
