"""File names in reports read elsewhere: relative to the repository root, where GitHub looks.

A finding names its file relative to the project folder, which in a monorepo is not
where GitHub (or a SARIF viewer) resolves names. The Actions runner passes a relative
`file=` on unchanged, and GitHub reads it from the repository root; it rewrites only
absolute paths under the workspace (actions/runner, `IssueCommandExtension`).

`Paths` is plain data for the renderers; the functions after it read the disk (the
working folder, `.git`) and are called by the CLI only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """How to write a report's file names for a reader that starts from another folder.

    Attributes:
        files_from: The folder the report's names are relative to: the project folder
            (or, for plain SQL files, the working folder).
        root: The folder the reader resolves names against: the repository root.
    """

    files_from: Path = Path(".")
    root: Path = Path(".")

    def show(self, file: str) -> str:
        """`file` relative to the root, with `/`; absolute when it lies outside the root."""
        path = Path(os.path.normpath(self.files_from / file))
        if path.is_absolute() != self.root.is_absolute() or not path.is_relative_to(self.root):
            return str(path)
        return path.relative_to(self.root).as_posix()


AS_GIVEN = Paths()  # names as the report holds them: for renderers called without a root


def repository_root(folder: Path) -> Path:
    """The git top-level holding `folder` (it has a `.git` folder or file), else `folder`.

    `folder` should be absolute. A worktree or submodule has a `.git` file: its own root.
    """
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def project_paths(project: Path) -> Paths:
    """Names of the project at `project` (a folder or its config file), for the repository."""
    path = project.resolve()
    folder = path if path.is_dir() else path.parent
    return Paths(folder, repository_root(Path.cwd().resolve()))


def working_folder_paths() -> Paths:
    """Names relative to the working folder (plain SQL files), for the repository."""
    here = Path.cwd().resolve()
    return Paths(here, repository_root(here))
