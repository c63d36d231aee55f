"""The models' catalog: what `metadata.create_all` makes, snapshotted, and cached by its DDL.

`create_all` runs on SQLAlchemy's mock engine (`create_mock_engine`, its documented
way to get the DDL as strings): enum types, sequences, tables, indexes, comments and the
DDL events attached to the metadata, in create_all's own order. That DDL is then run on
a scratch database, whose snapshot is the models' catalog.

Creating a thousand tables takes PostgreSQL seconds, so the snapshot is kept in the
user's cache folder, keyed by everything it depends on: the DDL, what env.py had
already made in the database, the extensions created first, the server and its version,
and the catalog code that read it. Any change to one of them is another key.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import platformdirs
import psycopg
from psycopg import sql
from sqlalchemy import MetaData, Sequence, create_mock_engine
from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
from sqlalchemy.schema import CreateSchema

from lockwise.database import catalog as catalog_module
from lockwise.database.catalog import Catalog, snapshot
from lockwise.database.scratch import ScratchDatabase
from lockwise.database.server import Server
from lockwise.errors import BadInput
from lockwise.urls import redact, redact_text

KEEP = 32  # cached snapshots kept, the most recently used
_CHUNK = 200  # statements per transaction: one huge DDL transaction is slower


def models_ddl(metadata: Iterable[MetaData]) -> tuple[str, ...]:
    """The statements `create_all` emits for `metadata`, schemas it names created first."""
    statements: list[str] = []
    dialect = psycopg_dialect.dialect()  # type: ignore[no-untyped-call]

    def collect(element: Any, *args: Any, **kwargs: Any) -> None:
        statements.append(str(element.compile(dialect=dialect)).strip())

    engine = create_mock_engine("postgresql+psycopg://", collect)
    listed = list(metadata)
    for schema in sorted(_schemas(listed)):
        engine.execute(CreateSchema(schema, if_not_exists=True))
    for each in listed:
        each.create_all(engine, checkfirst=False)
    return tuple(statements)


def models_catalog(server: Server, database: ScratchDatabase, ddl: tuple[str, ...]) -> Catalog:
    """The catalog of `database` once `ddl` has run on it: from the cache, else made.

    `database` holds what env.py made there, and gets the extensions first (see
    `create_extensions`); its snapshot is part of the key.

    Raises:
        BadInput: the DDL fails (a model PostgreSQL refuses).
    """
    with psycopg.connect(database.url, autocommit=True) as conn:
        before = snapshot(conn)
        version = conn.execute("SHOW server_version").fetchone()
        key = _key(server, str(version[0] if version else ""), before, ddl)
        cached = _load(key)
        if cached is not None:
            return cached
        _run(conn, ddl, database.url)
        made = snapshot(conn)
    _store(key, made)
    return made


def create_extensions(server: Server, database: ScratchDatabase, wanted: Catalog) -> list[str]:
    """Create `wanted`'s extensions in `database` (as the server's own role).

    Models cannot declare extensions, but their types may come from one (citext...).
    Returns a note for each extension lockwise's server could not create.
    """
    notes = []
    extensions = [i for i in wanted.items if i.kind == "extension" and i.name != "plpgsql"]
    with server.connect(database.name) as conn:
        for extension in extensions:
            schema = str(dict(extension.attrs).get("schema") or "public")
            names = {"schema": sql.Identifier(schema), "name": sql.Identifier(extension.name)}
            try:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {schema}").format(**names))
                create = "CREATE EXTENSION IF NOT EXISTS {name} SCHEMA {schema}"
                conn.execute(sql.SQL(create).format(**names))
            except psycopg.Error as error:
                reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
                notes.append(f"extension {extension.name} not made for the models: {reason}")
    return notes


def cache_folder() -> Path:
    """Where the models' snapshots are kept."""
    return platformdirs.user_cache_path("lockwise") / "models"


def _schemas(metadata: list[MetaData]) -> set[str]:
    """The schemas the models name (tables, enum types, sequences)."""
    found = {each.schema for each in metadata if each.schema}
    for table in (t for each in metadata for t in each.tables.values()):
        found.add(table.schema or "")
        for column in table.columns:
            found.add(getattr(column.type, "schema", None) or "")
            if isinstance(column.default, Sequence):
                found.add(column.default.schema or "")
    return found - {""}


def _run(conn: psycopg.Connection[Any], ddl: tuple[str, ...], url: str) -> None:
    try:
        for start in range(0, len(ddl), _CHUNK):
            with conn.transaction():
                conn.execute("\n;\n".join(ddl[start : start + _CHUNK]).encode())
    except psycopg.Error as error:
        lines = str(error).strip().splitlines()
        reason = redact_text(lines[0] if lines else type(error).__name__, url)
        raise BadInput(f"creating the models (metadata.create_all) failed: {reason}") from None


def _key(server: Server, version: str, before: Catalog, ddl: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    code = Path(catalog_module.__file__).read_bytes()
    before_text = json.dumps(before.to_json(), sort_keys=True)
    # Sorted: create_all emits a table's indexes in set order, which varies by process.
    for part in (redact(server.url), version, before_text, *sorted(ddl)):
        digest.update(part.encode() + b"\0")
    digest.update(code)
    return digest.hexdigest()


def _load(key: str) -> Catalog | None:
    path = cache_folder() / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        path.touch()
        return Catalog.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(key: str, made: Catalog) -> None:
    """Write the snapshot atomically; drop the least recently used beyond `KEEP`."""
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(made.to_json(), file)
            os.replace(temporary, folder / f"{key}.json")
        finally:
            Path(temporary).unlink(missing_ok=True)
        kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # a cache that cannot be written only costs time
