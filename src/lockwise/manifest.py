"""`lockwise.sum`: the checksums of released revision files, so that none changes after release.

A migration that ran in production is history: editing its file changes what a fresh
install builds, never what production has. The manifest, in the spirit of Atlas's
`atlas.sum`, sits beside env.py and lists each revision file with the SHA-256 of its
text (line endings made `\\n`, so a checkout on Windows does not count as an edit):

    h1:<checksum of the lines below>
    versions/1a2b3c4d5e6f_create_users.py h1:<checksum of that file>

`lockwise sum` writes it for every revision file there is; `lockwise new` adds the file
it writes to a manifest that exists. Review reports each listed file whose text changed
or that is gone (LW411), and a manifest whose first line no longer sums its other lines
(edited by hand, or two branches' additions merged): it then cannot be trusted. A
project without a manifest is not affected.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from lockwise.errors import BadInput
from lockwise.project import Project

NAME = "lockwise.sum"


@dataclass(frozen=True)
class Entry:
    """One line of the manifest: a revision file (relative to the manifest) and its sum."""

    file: str
    digest: str
    line: int


@dataclass(frozen=True)
class Changed:
    """A listed file that no longer matches the manifest.

    Attributes:
        path: The file (absolute), or the manifest itself when `kind` is `manifest`.
        line: The manifest's line that lists it.
        kind: `edited`, `missing`, or `manifest` (its first line does not sum the rest).
    """

    path: Path
    line: int
    kind: str


def manifest_path(project: Project) -> Path:
    """Where the project's manifest is: beside env.py (Alembic's script folder).

    Alembic's script folder may be relative to the working folder the project was loaded
    from (`script_location = migrations`): call this from there (`in_project_folder`).
    """
    return (Path(project.script.dir) / NAME).resolve()


def digest(data: bytes) -> str:
    """`h1:` and the base64 SHA-256 of `data` with `\\r\\n` made `\\n`."""
    summed = hashlib.sha256(data.replace(b"\r\n", b"\n")).digest()
    return "h1:" + base64.b64encode(summed).decode()


def write(project: Project) -> Path:
    """Write the manifest for every revision file of `project`, base first; return its path."""
    folder = manifest_path(project).parent
    files = [_relative(r.path, folder) for r in project.revisions]
    return _write(folder, {file: digest((folder / file).read_bytes()) for file in files})


def add(folder: Path, path: Path) -> bool:
    """List the revision file `path` in the manifest in `folder` (see `manifest_path`), if any.

    The other lines stay as they were: adding a file never accepts another file's edit.
    Returns whether a manifest was there to update.
    """
    where = folder / NAME
    if not where.exists():
        return False
    entries = {e.file: e.digest for e in read(where)}
    entries[_relative(path, where.parent)] = digest(path.read_bytes())
    _write(where.parent, entries)
    return True


def changed(project: Project) -> list[Changed]:
    """The listed files edited or gone since the manifest was written (none without one).

    Raises:
        BadInput: a line of the manifest is not `FILE h1:SUM`.
    """
    where = manifest_path(project)
    if not where.exists():
        return []
    found: list[Changed] = []
    if _total(where.read_text().splitlines()[1:]) != _first_line(where):
        found.append(Changed(where, 1, "manifest"))
    for entry in read(where):
        path = where.parent / entry.file
        if not path.is_file():
            found.append(Changed(path, entry.line, "missing"))
        elif digest(path.read_bytes()) != entry.digest:
            found.append(Changed(path, entry.line, "edited"))
    return found


def read(where: Path) -> list[Entry]:
    """The entries of the manifest at `where` (its first line, the total, left out).

    Raises:
        BadInput: a line is not `FILE h1:SUM`.
    """
    entries: list[Entry] = []
    for number, text in enumerate(where.read_text().splitlines(), start=1):
        if number == 1:
            continue
        file, _, sum_ = text.rpartition(" ")
        if not file or not sum_.startswith("h1:"):
            raise BadInput(f"{where}:{number}: not a `FILE h1:SUM` line; run `lockwise sum`")
        entries.append(Entry(file, sum_, number))
    return entries


def _write(folder: Path, entries: dict[str, str]) -> Path:
    lines = [f"{file} {sum_}" for file, sum_ in entries.items()]
    where = folder / NAME
    where.write_text("\n".join([_total(lines), *lines]) + "\n")
    return where


def _total(lines: list[str]) -> str:
    return digest("".join(line + "\n" for line in lines).encode())


def _first_line(where: Path) -> str:
    with where.open() as text:
        return text.readline().rstrip("\r\n")


def _relative(path: Path, folder: Path) -> str:
    """`path` from `folder`, `/`-separated (version locations may sit outside it)."""
    return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
