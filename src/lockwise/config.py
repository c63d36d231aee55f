"""`[tool.lockwise]` settings, from the project's pyproject.toml.

```toml
[tool.lockwise]
target_version = 15            # production PostgreSQL major version (15 is the floor)
fail_on = "error"              # error | warning | never
disable = ["LW505"]            # rules to skip
severity = { LW301 = "error" } # severity overrides
large_table_rows = 1_000_000   # with --stats-from: lock findings on tables this big rise
small_table_rows = 10_000      #   ... and on tables this small fall to info
primary_key = "bigint identity"
timestamp = "timestamptz"
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lockwise.errors import BadInput
from lockwise.rules import BY_ID
from lockwise.rules.base import SEVERITIES, Severity


@dataclass(frozen=True)
class Settings:
    """The project's lockwise settings, checked."""

    target_version: int = 15
    fail_on: Severity | None = "error"
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    large_table_rows: int = 1_000_000
    small_table_rows: int = 10_000
    extra: Mapping[str, Any] = field(default_factory=dict)


def load_settings(project_root: Path) -> Settings:
    """Read `[tool.lockwise]` from `project_root/pyproject.toml` (defaults when absent).

    Raises:
        BadInput: invalid TOML, an unknown rule, a bad severity or version.
    """
    toml = project_root / "pyproject.toml"
    if not toml.is_file():
        return Settings()
    try:
        data = tomllib.loads(toml.read_text()).get("tool", {}).get("lockwise", {})
    except tomllib.TOMLDecodeError as error:
        raise BadInput(f"{toml}: not valid TOML: {error}") from None
    return settings_from(data, str(toml))


def settings_from(data: Mapping[str, Any], source: str = "[tool.lockwise]") -> Settings:
    """Check raw settings and build `Settings`."""
    known = {"target_version", "fail_on", "disable", "severity"}
    known |= {"large_table_rows", "small_table_rows"}
    return Settings(
        target_version=_version(data.get("target_version", 15), source),
        fail_on=fail_on(str(data.get("fail_on", "error")), source),
        disable=frozenset(_rules(data.get("disable", []), source)),
        severity={rule: _severity(level, source) for rule, level in _overrides(data, source)},
        large_table_rows=int(data.get("large_table_rows", 1_000_000)),
        small_table_rows=int(data.get("small_table_rows", 10_000)),
        extra={key: value for key, value in data.items() if key not in known},
    )


def fail_on(value: str, source: str = "--fail-on") -> Severity | None:
    """`error`, `warning` or `info`; `never` means None."""
    if value == "never":
        return None
    return _severity(value, source)


def _version(value: object, source: str) -> int:
    if not isinstance(value, int) or value < 15:
        raise BadInput(f"{source}: target_version must be a PostgreSQL major version >= 15")
    return value


def _severity(value: object, source: str) -> Severity:
    for level in SEVERITIES:
        if value == level:
            return level
    raise BadInput(f"{source}: unknown severity {value!r} (error, warning or info)")


def _rules(values: object, source: str) -> list[str]:
    if not isinstance(values, list):
        raise BadInput(f"{source}: disable must be a list of rule ids")
    for rule in values:
        check_rule_id(str(rule), source)
    return [str(rule) for rule in values]


def _overrides(data: Mapping[str, Any], source: str) -> list[tuple[str, object]]:
    overrides = data.get("severity", {})
    if not isinstance(overrides, dict):
        raise BadInput(f"{source}: severity must be a table of rule id = level")
    for rule in overrides:
        check_rule_id(str(rule), source)
    return [(str(rule), level) for rule, level in overrides.items()]


def check_rule_id(rule: str, source: str) -> None:
    """Raise BadInput naming `source` when `rule` is no rule lockwise knows."""
    if rule not in BY_ID:
        raise BadInput(f"{source}: unknown rule {rule} (lockwise rules lists them)")
