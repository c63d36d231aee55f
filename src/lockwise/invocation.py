"""How Alembic is invoked for a project: which configuration file and section, and -x.

The same choices `alembic -c FILE -n SECTION -x key=value` makes, plus the lockwise
settings that shape the URL env.py receives. The ini is parsed on first read, so its
errors (not UTF-8, no section header, a bad interpolation) surface here as one line.
"""

from __future__ import annotations

import argparse
import configparser
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from lockwise.errors import ProjectNotFound


@dataclass(frozen=True)
class Invocation:
    """How to run the project's env.py: Alembic's own options and lockwise's settings.

    Attributes:
        config_file: `-c/--config`: the ini (or pyproject.toml) to use, relative paths in
            it resolving against the working folder, as `alembic -c` does.
        section: `-n/--name`: the ini section holding the Alembic options.
        x_args: `-x key=value` arguments, for `context.get_x_argument()`.
        url_env: Environment variables env.py reads its URL from; each is set to the
            scratch URL during every env.py run.
        driver: The driver to spell that URL with when the project's own names none.
        baseline: The tables the history starts from (`module:attr` or a .sql file).
    """

    config_file: Path | None = None
    section: str = "alembic"
    x_args: tuple[str, ...] = ()
    url_env: tuple[str, ...] = ()
    driver: str | None = None
    baseline: str | None = None


def alembic_config(path: Path, invocation: Invocation) -> tuple[Config, Path]:
    """The Alembic `Config` for the project at `path`, and the project's folder.

    Raises:
        ProjectNotFound: no Alembic configuration there (or at `-c`).
    """
    if invocation.config_file is not None:
        if not invocation.config_file.is_file():
            raise ProjectNotFound(f"{invocation.config_file}: no such file")
        root = path if path.is_dir() else path.parent
        return _config_from_file(invocation.config_file, invocation), root
    if not path.exists():
        raise ProjectNotFound(f"{path}: no such file or folder")
    if path.is_file():
        return _config_from_file(path, invocation), path.parent
    ini, toml = path / "alembic.ini", path / "pyproject.toml"
    with_toml = toml.is_file() and _has_alembic_section(toml)
    if ini.is_file() or with_toml:
        # `alembic init -t pyproject` splits the two: script_location in pyproject.toml,
        # sqlalchemy.url and logging in alembic.ini.
        config = _new_config(
            ini if ini.is_file() else None, toml if with_toml else None, invocation
        )
        return config, path
    raise ProjectNotFound(
        f"{path} is not an Alembic project: no alembic.ini, and no [tool.alembic] in pyproject.toml"
    )


def _config_from_file(path: Path, invocation: Invocation) -> Config:
    if path.suffix == ".toml":
        if not _has_alembic_section(path):
            raise ProjectNotFound(f"{path} has no [tool.alembic] section")
        return _new_config(None, path, invocation)
    return _new_config(path, None, invocation)


def _new_config(ini: Path | None, toml: Path | None, invocation: Invocation) -> Config:
    return Config(
        file_=str(ini) if ini else None,
        toml_file=str(toml) if toml else None,
        ini_section=invocation.section,
        stdout=sys.stderr,  # Alembic's own print_stdout, kept out of reports
        cmd_opts=argparse.Namespace(x=list(invocation.x_args)),
        attributes={},
    )


def _has_alembic_section(toml: Path) -> bool:
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProjectNotFound(f"{toml}: not valid TOML: {error}") from None
    return "alembic" in data.get("tool", {})


def script_directory(config: Config) -> ScriptDirectory:
    """The project's migration scripts, as `script_location` names them.

    Raises:
        ProjectNotFound: the ini cannot be read, or script_location points at nothing.
    """
    source = config.config_file_name or config.toml_file_name
    location = _read_option(config, "script_location", str(source))
    if not location:
        raise ProjectNotFound(
            f"{source}: no script_location in section [{config.config_ini_section}]"
            " of the Alembic configuration"
        )
    try:
        return ScriptDirectory.from_config(config)
    except CommandError as error:
        raise ProjectNotFound(f"{source}: script_location {location}: {error}") from None


def _read_option(config: Config, name: str, source: str) -> str | None:
    """An Alembic option; the ini is parsed on first read, so its errors surface here."""
    try:
        return config.get_alembic_option(name)
    except UnicodeDecodeError:
        raise ProjectNotFound(f"{source}: not UTF-8 text, so not an Alembic ini") from None
    except configparser.InterpolationError as error:
        raise ProjectNotFound(f"{source}: {_first_line(error)}") from None
    except configparser.Error as error:
        raise ProjectNotFound(f"{source}: not an Alembic ini ({_first_line(error)})") from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__


def configured_url(config: Config) -> str:
    """The project's own sqlalchemy.url ("" when unset or unreadable)."""
    try:
        return config.get_main_option("sqlalchemy.url") or ""
    except Exception:  # interpolation of a missing variable, for instance
        return ""
