"""Which Alembic project the plugin works on, and whether its built-in tests are on.

Only the standard library here: pytest imports the plugin in every run of every suite.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

OPTION = "--lockwise-project"
INI = "lockwise_project"


def configured(config: pytest.Config) -> Path | None:
    """The project `--lockwise-project` (from the invocation folder) or the ini option names."""
    given = config.getoption("lockwise_project")
    if given:
        return (config.invocation_params.dir / str(given)).resolve()
    named = str(config.getini(INI) or "")
    if named:
        base = config.inipath.parent if config.inipath else config.rootpath
        return (base / named).resolve()
    return None


def project_for(config: pytest.Config, folder: Path) -> Path | None:
    """The project of the tests in `folder`: the configured one, else the nearest above."""
    return configured(config) or nearest(folder, config.rootpath)


def checked_project(config: pytest.Config) -> Path | None:
    """The project whose history the built-in tests check, or None when they are off.

    They are on with `--lockwise`, or with `pytest = true` in the project's `[tool.lockwise]`.
    The project is the configured one, else the nearest at or above the folder pytest
    started in (within the rootdir), else the rootdir.

    Raises:
        pytest.UsageError: `--lockwise` without a project, or a bad `pytest` setting.
    """
    root = configured(config) or nearest(config.invocation_params.dir, config.rootpath)
    if config.getoption("lockwise"):
        if root is None:
            raise pytest.UsageError(f"--lockwise: {not_found(config.invocation_params.dir)}")
        return root
    return root if root is not None and _turned_on(root) else None


def not_found(folder: Path) -> str:
    """What to say when no project was named and none holds `folder`."""
    return (
        f"no Alembic project (alembic.ini, or [tool.alembic] in pyproject.toml) in {folder}"
        f" or above it: name one with {OPTION} PATH or the {INI} ini option"
    )


def nearest(start: Path, rootdir: Path) -> Path | None:
    """The nearest folder holding an Alembic project, from `start` up to `rootdir`."""
    start = start.resolve()
    rootdir = rootdir.resolve()
    if not start.is_relative_to(rootdir):
        start = rootdir
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
        if folder == rootdir:
            break
    return None


def is_project(folder: Path) -> bool:
    """True for a folder holding alembic.ini, or a pyproject.toml with `[tool.alembic]`."""
    if (folder / "alembic.ini").is_file():
        return True
    return "alembic" in _tool(folder)


def _turned_on(root: Path) -> bool:
    settings = _tool(root).get("lockwise", {})
    value = settings.get("pytest", False) if isinstance(settings, dict) else None
    if isinstance(value, bool):
        return value
    # Not true or false: lockwise's own settings loader says what is wrong, in its words.
    from lockwise.config import load_settings
    from lockwise.errors import BadInput

    try:
        load_settings(root)
    except BadInput as error:
        raise pytest.UsageError(str(error)) from None
    return False


def _tool(folder: Path) -> dict[str, object]:
    toml = folder / "pyproject.toml"
    if not toml.is_file():
        return {}
    try:
        tool = tomllib.loads(toml.read_text(encoding="utf-8")).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}  # not ours to judge unless lockwise reads it: then load_settings says so
    return tool if isinstance(tool, dict) else {}
