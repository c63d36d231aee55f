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
url_env = ["APP_DATABASE_URL"] # env.py reads the URL from these: lockwise sets them
baseline = "app.models:Base.metadata"  # or "schema.sql": tables the history starts from
driver = "asyncpg"             # when the project's own URL names none
superuser = false              # run migrations as a superuser on the embedded server
downgrade_severity = "warning" # findings in downgrade() (a rollback) go no higher
lock_timeout = "2s"            # what fixes set at the top of a revision (LW401)
statement_timeout = "30s"      # likewise (LW402); unset by default
stable_functions = ["app.now_utc"]  # your STABLE/IMMUTABLE functions: no LW101 as defaults
data_rows = 50                 # lockwise test: synthetic rows per empty table (0: none)
revision_data = "migrations/revision_data"  # lockwise test: your rows and checks per revision
verify_exclude = ["audit_log", "legacy.*"]  # objects the models do not own: lockwise verify
                               #   leaves them out (name or schema.name, shell wildcards)
pytest = true                  # pytest runs lockwise's checks without --lockwise
```

Unknown keys are refused, naming the nearest known one.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lockwise.errors import BadInput
from lockwise.invocation import Invocation
from lockwise.rules import BY_ID
from lockwise.rules.base import SEVERITIES, Severity

DRIVERS = ("psycopg2", "psycopg", "asyncpg", "pg8000", "psycopg_async")


@dataclass(frozen=True)
class Settings:
    """The project's lockwise settings, checked."""

    target_version: int = 15
    fail_on: Severity | None = "error"
    disable: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    large_table_rows: int = 1_000_000
    small_table_rows: int = 10_000
    conventions: Mapping[str, str] = field(default_factory=dict)
    url_env: tuple[str, ...] = ()
    baseline: str | None = None
    driver: str | None = None
    superuser: bool = False
    lock_timeout: str = "2s"
    statement_timeout: str = ""
    downgrade_severity: Severity = "warning"
    stable_functions: tuple[str, ...] = ()
    data_rows: int = 50
    revision_data: str | None = None
    verify_exclude: tuple[str, ...] = ()
    pytest: bool = False

    def facts_settings(self) -> dict[str, Any]:
        """What rules read from the settings (`RevisionFacts.settings`)."""
        return {**self.conventions, "stable_functions": self.stable_functions}


KNOWN_KEYS = (
    "target_version",
    "fail_on",
    "disable",
    "severity",
    "large_table_rows",
    "small_table_rows",
    "primary_key",
    "timestamp",
    "url_env",
    "baseline",
    "driver",
    "superuser",
    "lock_timeout",
    "statement_timeout",
    "downgrade_severity",
    "stable_functions",
    "data_rows",
    "revision_data",
    "verify_exclude",
    "pytest",
)


def load_settings(project_root: Path) -> Settings:
    """Read `[tool.lockwise]` from `project_root/pyproject.toml` (defaults when absent).

    Raises:
        BadInput: invalid TOML, an unknown key or rule, a bad severity, version or value.
    """
    toml = project_root / "pyproject.toml"
    if not toml.is_file():
        return Settings()
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8")).get("tool", {}).get("lockwise", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BadInput(f"{toml}: not valid TOML: {error}") from None
    return settings_from(data, str(toml))


def project_settings(
    path: Path, invocation: Invocation | None = None
) -> tuple[Settings, Invocation]:
    """The settings of the project at `path`, and the env.py invocation they complete.

    `invocation` carries Alembic's own options from the command line (-c, -n, -x).
    """
    settings = load_settings(path if path.is_dir() else path.parent)
    invocation = replace(
        invocation or Invocation(),
        url_env=settings.url_env,
        driver=settings.driver,
        baseline=settings.baseline,
    )
    return settings, invocation


def settings_from(data: Mapping[str, Any], source: str = "[tool.lockwise]") -> Settings:
    """Check raw settings and build `Settings`."""
    _check_keys(data, source)
    return Settings(
        target_version=target_version(data.get("target_version", 15), source),
        fail_on=fail_on(str(data.get("fail_on", "error")), source),
        disable=frozenset(_rules(data.get("disable", []), source)),
        severity={rule: _severity(level, source) for rule, level in _overrides(data, source)},
        large_table_rows=_count(data, "large_table_rows", 1_000_000, source),
        small_table_rows=_count(data, "small_table_rows", 10_000, source),
        conventions={k: _text(data, k, source) for k in ("primary_key", "timestamp") if k in data},
        url_env=tuple(_names(data.get("url_env", []), source)),
        baseline=_text(data, "baseline", source) if "baseline" in data else None,
        driver=_driver(data.get("driver"), source),
        superuser=_flag(data, "superuser", source),
        lock_timeout=_duration(data, "lock_timeout", "2s", source),
        statement_timeout=_duration(data, "statement_timeout", "", source),
        downgrade_severity=_severity(data.get("downgrade_severity", "warning"), source),
        stable_functions=_functions(data.get("stable_functions", []), source),
        data_rows=_count(data, "data_rows", 50, source),
        revision_data=_text(data, "revision_data", source) if "revision_data" in data else None,
        verify_exclude=_patterns(data.get("verify_exclude", []), source),
        pytest=_flag(data, "pytest", source),
    )


def _check_keys(data: Mapping[str, Any], source: str) -> None:
    for key in data:
        if key not in KNOWN_KEYS:
            near = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise BadInput(f"{source}: unknown setting {key}{hint}")


def fail_on(value: str, source: str = "--fail-on") -> Severity | None:
    """`error`, `warning` or `info`; `never` means None."""
    if value == "never":
        return None
    return _severity(value, source)


def target_version(value: object, source: str = "--target-version") -> int:
    """A production PostgreSQL major version lockwise supports (15 or newer)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 15:
        raise BadInput(
            f"{source}: target_version must be a PostgreSQL major version >= 15, not {value!r}"
        )
    return value


def _count(data: Mapping[str, Any], key: str, default: int, source: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(f"{source}: {key} must be a whole number of rows, not {value!r}")
    return value


def _text(data: Mapping[str, Any], key: str, source: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{source}: {key} must be a non-empty string, not {value!r}")
    return value


def _duration(data: Mapping[str, Any], key: str, default: str, source: str) -> str:
    """A PostgreSQL duration setting: `2s`, `500ms`, `1min` (a bare number is ms)."""
    value = data.get(key, default)
    if value == default:
        return default
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return duration(text, f"{source}: {key}")


def duration(value: object, what: str) -> str:
    """`value` if it is a PostgreSQL duration (`2s`, `500ms`, `1min`; a bare number is ms).

    Raises:
        BadInput: it is not; `what` names the setting or flag in the message.
    """
    if not isinstance(value, str) or not re.fullmatch(r"\d+\s*(ms|s|min|h)?", value):
        raise BadInput(f'{what} must be a duration such as "2s" or "500ms", not {value!r}')
    return value


def _flag(data: Mapping[str, Any], key: str, source: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise BadInput(f"{source}: {key} must be true or false, not {value!r}")
    return value


def _names(values: object, source: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise BadInput(f"{source}: url_env must be a list of environment variable names")
    return list(values)


_FUNCTION = re.compile(r"^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$")


def _functions(values: object, source: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(
        isinstance(v, str) and _FUNCTION.match(v) for v in values
    ):
        raise BadInput(
            f"{source}: stable_functions must be a list of function names (name or schema.name)"
        )
    return tuple(values)


def _patterns(values: object, source: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise BadInput(
            f'{source}: verify_exclude must be a list of names or patterns, e.g. ["audit_log"]'
        )
    return tuple(values)


def _driver(value: object, source: str) -> str | None:
    if value is None:
        return None
    if value not in DRIVERS:
        raise BadInput(f"{source}: driver must be one of {', '.join(DRIVERS)}, not {value!r}")
    return str(value)


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
