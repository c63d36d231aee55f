"""The Alembic project: its configuration, its migration scripts and their revision graph.

This module, `invocation.py` (which configuration) and `testing/` are the only ones that
touch Alembic, and only through its public API (`Config`, `ScriptDirectory`,
`EnvironmentContext`, `MigrationStep`, `command.revision`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging.config
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationStep
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from lockwise.drivers import Driver, choose
from lockwise.errors import BrokenMigration, RevisionGraphError
from lockwise.invocation import Invocation, alembic_config, configured_url, script_directory
from lockwise.revision_files import (
    declared_revisions,
    down_revision_ids,
    functions,
    is_empty,
    source,
)

IRREVERSIBLE_MARKER = "lockwise: irreversible"

StepFunction = Callable[[Any, MigrationContext], list[Any]]


@dataclass(frozen=True)
class Revision:
    """One migration script, as the cycle and the reports need it."""

    id: str
    down: tuple[str, ...]
    message: str
    path: Path
    upgrade_empty: bool
    downgrade_empty: bool
    irreversible: bool
    branch_labels: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`<id> (<message>)`, for messages."""
        return f"{self.id} ({self.message})" if self.message else self.id


class EnvExit(Exception):
    """env.py or a migration called `sys.exit()`: a failure, never a pass."""

    def __init__(self, code: object) -> None:
        super().__init__(f"called sys.exit({code!r}) instead of raising an error")
        self.code = code


class EnvScript:
    """env.py, run as Alembic runs it, but compiled once and its logging set up once.

    Alembic loads env.py afresh for every run (`ScriptDirectory.run_env`), and env.py
    usually calls `logging.config.fileConfig` on alembic.ini: a walk runs it three times
    a revision. The compiled code is kept, and a `fileConfig` of a file this project's
    env.py already applied is skipped: the same file gives the same logging set-up.
    """

    def __init__(self) -> None:
        self._code: CodeType | None = None
        self._logging: set[tuple[str, str]] = set()

    def run(self, script: ScriptDirectory) -> None:
        """Run `script`'s env.py in a module of its own, as Alembic's loader would."""
        path = Path(script.dir) / "env.py"
        if not path.is_file():  # a sourceless env.pyc: Alembic knows how to load it
            script.run_env()
            return
        if self._code is None:
            # As importlib compiles a module: no __future__ flags of this one leak in.
            self._code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        spec = importlib.util.spec_from_file_location("env_py", path)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        with self._logging_once():
            exec(self._code, module.__dict__)

    @contextlib.contextmanager
    def _logging_once(self) -> Iterator[None]:
        real = logging.config.fileConfig

        def once(fname: Any, *args: Any, **kwargs: Any) -> None:
            key = (os.fspath(fname), repr((args, kwargs))) if _is_path(fname) else None
            if key is None or key not in self._logging:
                real(fname, *args, **kwargs)
            if key is not None:
                self._logging.add(key)

        logging.config.fileConfig = once
        try:
            yield
        finally:
            logging.config.fileConfig = real


def _is_path(value: object) -> bool:
    return isinstance(value, str | os.PathLike)


@dataclass
class Project:
    """A loaded Alembic project: the config, the script directory and its revisions."""

    root: Path
    config: Config
    script: ScriptDirectory
    revisions: list[Revision]
    heads: tuple[str, ...]
    invocation: Invocation = field(default_factory=Invocation)
    driver: Driver = field(default_factory=lambda: choose(""))
    _env: EnvScript = field(default_factory=EnvScript, init=False, repr=False)

    def parents(self, revision: Revision) -> tuple[str, ...]:
        """The revisions that must run before `revision`: down-revisions and depends_on."""
        return revision.down + revision.depends

    def ancestry(self, revision_ids: Iterable[str]) -> set[str]:
        """The revisions named and all they build on (ids the project lacks are left out)."""
        by_id = {revision.id: revision for revision in self.revisions}
        seen: set[str] = set()
        stack = list(revision_ids)
        while stack:
            revision_id = stack.pop()
            if revision_id not in seen and revision_id in by_id:
                seen.add(revision_id)
                stack += self.parents(by_id[revision_id])
        return seen

    def revision(self, revision_id: str) -> Revision:
        """Return the revision with this id."""
        return next(r for r in self.revisions if r.id == revision_id)

    def relative(self, path: Path) -> str:
        """`path` relative to the project folder when inside it, for reports."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def run_env(
        self, url: str, fn: StepFunction, connection: Connection | None = None, **options: Any
    ) -> None:
        """Run the project's env.py against `url`, with `fn` choosing the migration steps.

        The database is handed over the ways Alembic's recipes expect: as
        `sqlalchemy.url`, as the environment variables of `Invocation.url_env`, and,
        when given, as an open `config.attributes["connection"]` (the cookbook's
        connection sharing). `options` are defaults for `context.configure` (env.py's
        own arguments win).

        Raises:
            EnvExit: env.py or a migration called `sys.exit()`.
        """
        try:
            with (
                self._handed(url, connection),
                EnvironmentContext(self.config, self.script, fn=fn, **options),
            ):
                self._env.run(self.script)
        except SystemExit as exit_:
            raise EnvExit(exit_.code) from exit_

    def new_revision(
        self,
        url: str,
        message: str,
        autogenerate: bool,
        connection: Connection | None = None,
        directives: Callable[[MigrationContext, Any, list[Any]], None] | None = None,
    ) -> Path | None:
        """Write a new revision file with Alembic's own `revision` command (and template).

        With `autogenerate`, env.py runs against `url` (the database at head) and the
        models' differences become the ops; `directives` may edit them, or empty the
        list to write nothing (Alembic's `process_revision_directives`). Returns the
        file written, or None.

        Raises:
            EnvExit: env.py called `sys.exit()`.
        """
        try:
            with self._handed(url, connection):
                written = command.revision(
                    self.config,
                    message=message,
                    autogenerate=autogenerate,
                    process_revision_directives=directives,
                )
        except SystemExit as exit_:
            raise EnvExit(exit_.code) from exit_
        scripts = written if isinstance(written, list) else [written]
        return next((Path(s.path) for s in scripts if s is not None), None)

    @contextlib.contextmanager
    def _handed(self, url: str, connection: Connection | None) -> Iterator[None]:
        """The database handed to env.py the ways Alembic's recipes expect."""
        self.config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        if connection is None:
            self.config.attributes.pop("connection", None)
        else:
            self.config.attributes["connection"] = connection
        # The project's prints go to stderr, never into a report on stdout. env.py
        # usually configures logging from alembic.ini onto sys.stderr: Alembic's INFO
        # lines stay out of lockwise's own output.
        quiet = io.StringIO()
        with (
            _environment({name: url for name in self.invocation.url_env}),
            contextlib.redirect_stdout(sys.stderr),
            contextlib.redirect_stderr(quiet),
        ):
            yield

    @property
    def env_py(self) -> Path:
        """The project's env.py."""
        return Path(self.script.env_py_location)

    def upgrade_step(self, revision_id: str) -> MigrationStep:
        """The Alembic step that applies one revision."""
        script = self._script(revision_id)
        return MigrationStep.upgrade_from_script(self.script.revision_map, script)

    def downgrade_step(self, revision_id: str) -> MigrationStep:
        """The Alembic step that reverts one revision."""
        script = self._script(revision_id)
        return MigrationStep.downgrade_from_script(self.script.revision_map, script)

    def _script(self, revision_id: str) -> Script:
        script = self.script.get_revision(revision_id)
        assert script is not None
        return script


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load_project(
    path: Path, allow_heads: bool = False, invocation: Invocation | None = None
) -> Project:
    """Load the Alembic project in `path` (a folder, an alembic.ini or a pyproject.toml).

    With `invocation.config_file`, that file is the configuration and `path` the
    project folder (for settings and the paths in reports).

    Raises:
        ProjectNotFound: no Alembic configuration, or script_location points at nothing.
        BrokenMigration: a migration file cannot be loaded.
        RevisionGraphError: missing down-revision, cycle, duplicate id, or several heads
            (unless `allow_heads`: review reports those as LW410 instead).
    """
    invocation = invocation or Invocation()
    config, root = alembic_config(path, invocation)
    script = script_directory(config)
    scripts = _load_scripts(script)
    revisions = [_revision(s, script) for s in scripts]
    heads = tuple(script.get_heads())
    if not allow_heads:
        _check_heads(revisions, heads)
    driver = choose(configured_url(config), invocation.driver)
    return Project(root, config, script, revisions, heads, invocation, driver)


# --- scripts and the revision graph -------------------------------------------------------


def _load_scripts(script: ScriptDirectory) -> list[Script]:
    # Alembic only warns about duplicate ids and missing down-revisions (and may then
    # fail with a bare KeyError), so the warnings are read first.
    failure: Exception | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scripts = list(reversed(list(script.walk_revisions())))
        except Exception as error:
            failure = error
        except SystemExit as exit_:  # a revision file that exits when imported
            failure = EnvExit(exit_.code)
            failure.__cause__ = exit_
    _raise_graph_warnings(script, [str(w.message) for w in caught])
    if failure is not None:
        raise _loading_error(script, failure) from None
    return scripts


def _raise_graph_warnings(script: ScriptDirectory, messages: list[str]) -> None:
    for text in messages:
        if "present more than once" in text:
            raise RevisionGraphError(_duplicate_message(script, text.split()[1]))
        if "is not present" in text:
            raise RevisionGraphError(_missing_message(script, text.split()[1]))


def _loading_error(script: ScriptDirectory, error: Exception) -> Exception:
    if "null bytes" in str(error):  # compile() names no file for these
        return BrokenMigration(f"{_file_with_nul(script)}: holds NUL bytes, so it is not Python")
    if isinstance(error, SyntaxError):
        return BrokenMigration(f"{error.filename}:{error.lineno}: syntax error: {error.msg}")
    if isinstance(error, CommandError):
        return RevisionGraphError(f"{script.dir}: {error}")
    if isinstance(error, EnvExit) and error.__cause__ is not None:
        return BrokenMigration(f"{_failing_file(error.__cause__, script)}: {error}")
    return BrokenMigration(f"{_failing_file(error, script)}: {_one_line(error)}")


def _failing_file(error: BaseException, script: ScriptDirectory) -> str:
    folders = [str(d.resolve()) for d in _version_folders(script)]
    frames = traceback.extract_tb(error.__traceback__)
    inside = [
        f for f in frames if any(str(Path(f.filename).resolve()).startswith(d) for d in folders)
    ]
    if not inside:
        return str(script.dir)
    return f"{inside[-1].filename}:{inside[-1].lineno}"


def _file_with_nul(script: ScriptDirectory) -> str:
    for folder in _version_folders(script):
        for path in sorted(Path(folder).rglob("*.py")):
            if b"\0" in path.read_bytes():
                return str(path)
    return str(script.dir)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _version_folders(script: ScriptDirectory) -> list[Path]:
    configured = [Path(location) for location in script.version_locations]
    return configured or [Path(script.dir) / "versions"]


def _duplicate_message(script: ScriptDirectory, revision_id: str) -> str:
    files = declared_revisions(_version_folders(script)).get(revision_id, [])
    names = ", ".join(p.name for p in files) or str(script.dir)
    return f"revision id {revision_id} is declared by more than one file: {names}"


def _missing_message(script: ScriptDirectory, missing: str) -> str:
    for revision_id, paths in declared_revisions(_version_folders(script)).items():
        for path in paths:
            if missing in down_revision_ids(path):
                return (
                    f"{path.name}: revision {revision_id} names down_revision {missing},"
                    " which no migration declares"
                )
    return f"a down_revision names {missing}, which no migration declares"


def _check_heads(revisions: list[Revision], heads: tuple[str, ...]) -> None:
    """Refuse several heads, unless all but one sit on branches the project labeled."""
    message = heads_problem(revisions, heads)
    if message:
        raise RevisionGraphError(message)


def heads_problem(revisions: list[Revision], heads: tuple[str, ...]) -> str:
    """Why these heads are a problem ("" when there is one, or the branches are declared)."""
    if len(heads) < 2:
        return ""
    by_id = {r.id: r for r in revisions}
    lines = {head: _ancestry(head, by_id) for head in heads}
    undeclared = [head for head in heads if not _labeled_own_line(head, lines, by_id)]
    if len(undeclared) <= 1:
        return ""  # branches the project declared on purpose (Alembic's multiple bases)
    named = ", ".join(by_id[h].label for h in heads)
    return (
        f"{len(heads)} heads: {named}; join them with: "
        f'alembic merge -m "merge heads" {" ".join(heads)}'
    )


def _ancestry(head: str, by_id: dict[str, Revision]) -> set[str]:
    seen: set[str] = set()
    stack = [head]
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(by_id[current].down)
    return seen


def _labeled_own_line(head: str, lines: dict[str, set[str]], by_id: dict[str, Revision]) -> bool:
    others = set().union(*(line for other, line in lines.items() if other != head))
    return any(by_id[r].branch_labels for r in lines[head] - others)


# --- one revision ----------------------------------------------------------------------


def _revision(script: Script, directory: ScriptDirectory) -> Revision:
    path = Path(script.path)
    found = functions(path)
    downgrade = found.get("downgrade")
    return Revision(
        id=script.revision,
        down=_as_tuple(script.down_revision),
        depends=_dependencies(script, directory),
        message=(script.doc or "").strip().splitlines()[0] if script.doc else "",
        path=path,
        upgrade_empty=is_empty(found.get("upgrade")),
        downgrade_empty=is_empty(downgrade),
        irreversible=downgrade is not None and IRREVERSIBLE_MARKER in source(path, downgrade),
        branch_labels=tuple(sorted(script.branch_labels)),
    )


def _dependencies(script: Script, directory: ScriptDirectory) -> tuple[str, ...]:
    names = _as_tuple(script.dependencies)
    resolved = directory.get_revisions(names) if names else ()
    return tuple(r.revision for r in resolved if r is not None)


def _as_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)
