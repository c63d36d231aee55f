"""The baseline: tables a history starts from but never creates, made before its first revision.

Some projects create their first tables with `metadata.create_all` and only then hand
the schema to Alembic (mlflow's first revision alters `metrics`, which mlflow makes
with `InitialBase.metadata.create_all`). `[tool.lockwise] baseline` names what
creates them:

- `"package.module:Base.metadata"`: a SQLAlchemy `MetaData`, created with `create_all`;
- `"package.module:create_schema"`: a callable that takes a SQLAlchemy `Connection`;
- `"path/to/schema.sql"`: SQL run as psql runs a file, relative to the project folder.

The baseline is made on every fresh scratch database, so it is part of the schema
"before" the first revision, and rebuilt databases start from it too.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from lockwise.database.scratch import ScratchDatabase, ScratchSession
from lockwise.errors import BadInput
from lockwise.migrate.steps import shared_connection
from lockwise.project import Project
from lockwise.urls import redact_text


def fresh_database(project: Project, session: ScratchSession) -> ScratchDatabase:
    """A new scratch database holding the project's baseline (empty without one)."""
    database = session.create()
    if project.invocation.baseline:
        create_baseline(project, database.url, project.invocation.baseline)
    return database


def create_baseline(project: Project, url: str, spec: str) -> None:
    """Create the baseline `spec` names on the database at `url`.

    Raises:
        BadInput: the setting names nothing importable or usable, or creating it failed.
    """
    source = f"[tool.lockwise] baseline = {spec!r}"
    if spec.endswith(".sql"):
        _run_sql_file(project.root / spec, url, source)
        return
    target = _resolve(project, spec, source)
    try:
        with shared_connection(project, url) as connection, connection.begin():
            _create(target, connection, source)
    except BadInput:
        raise
    except (Exception, SystemExit) as error:
        text = redact_text(str(error).strip().splitlines()[0] if str(error).strip() else "", url)
        raise BadInput(f"{source}: creating it failed: {type(error).__name__}: {text}") from None


def _create(target: Any, connection: Connection, source: str) -> None:
    if isinstance(target, MetaData):
        target.create_all(connection)
    elif callable(target):
        target(connection)
    else:
        raise BadInput(f"{source}: names a {type(target).__name__}, not a MetaData or a callable")


def _resolve(project: Project, spec: str, source: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise BadInput(f"{source}: expected package.module:attribute or a .sql file")
    root = str(project.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        found: Any = importlib.import_module(module_name)
    except (Exception, SystemExit) as error:
        raise BadInput(f"{source}: cannot import {module_name}: {error}") from None
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise BadInput(f"{source}: {module_name} has no {attribute}")
        found = getattr(found, part)
    return found


def _run_sql_file(path: Path, url: str, source: str) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{source}: cannot read {path}: {error}") from None
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(text.encode())
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise BadInput(f"{source}: {path.name} failed: {redact_text(first, url)}") from None
