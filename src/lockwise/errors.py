"""The error hierarchy: every failure a user can cause, each with its exit code.

    LockwiseError                 exit 1 (never raised bare)
    ├── BadInput                  exit 2: usage, config, a broken project or migration file
    │   ├── ProjectNotFound       no alembic.ini / pyproject Alembic section, bad script_location
    │   ├── BrokenMigration       a revision file that cannot be loaded
    │   └── RevisionGraphError    missing down-revision, cycle, duplicate id, several heads
    └── DatabaseUnavailable       exit 3: the server could not be reached or started

The CLI prints `str(error)` on one line and exits with `error.exit_code`.
Messages never contain a password: build them with `lockwise.urls.redact`.
"""

from __future__ import annotations


class LockwiseError(Exception):
    """Base class; carries the process exit code for the CLI."""

    exit_code = 1


class BadInput(LockwiseError):
    """The user's input (arguments, configuration, project files) is unusable."""

    exit_code = 2


class ProjectNotFound(BadInput):
    """The folder is not an Alembic project, or its script_location points at nothing."""


class BrokenMigration(BadInput):
    """A migration file cannot be loaded (syntax error, failing import)."""


class RevisionGraphError(BadInput):
    """The revision graph is not a usable history (cycle, gap, duplicate, two heads)."""


class DatabaseUnavailable(LockwiseError):
    """The PostgreSQL server could not be reached or started."""

    exit_code = 3
