"""What the plugin keeps for one pytest session: the server, scratch sessions, projects.

Each is made on first use and kept until pytest ends: the server is opened (and its
orphaned scratch databases swept) once, each project is loaded once, and env.py is
probed once per project.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from lockwise.commands import in_project_folder
from lockwise.config import Settings, project_settings
from lockwise.database.scratch import ScratchSession, sweep
from lockwise.database.server import Server, open_server
from lockwise.invocation import Invocation
from lockwise.migrate.steps import Target, probe
from lockwise.project import Project, load_project


class PluginState:
    """The server, scratch sessions, settings, projects and env.py probes of a session."""

    def __init__(self) -> None:
        self._server: Server | None = None
        self._open = ExitStack()
        self._sessions: dict[bool, ScratchSession] = {}
        self._configured: dict[Path, tuple[Settings, Invocation]] = {}
        self._projects: dict[Path, Project] = {}
        self._targets: dict[Path, Target] = {}

    def settings(self, root: Path) -> Settings:
        """The `[tool.lockwise]` settings of the project at `root`."""
        return self._configuration(root)[0]

    def project(self, root: Path) -> Project:
        """The project at `root`, loaded as `lockwise test` loads it (several heads allowed)."""
        if root not in self._projects:
            invocation = self._configuration(root)[1]
            with in_project_folder(root) as path:
                self._projects[root] = load_project(path, allow_heads=True, invocation=invocation)
        return self._projects[root]

    def _configuration(self, root: Path) -> tuple[Settings, Invocation]:
        if root not in self._configured:
            self._configured[root] = project_settings(root)
        return self._configured[root]

    def server(self) -> Server:
        """The embedded PostgreSQL, or the server at $LOCKWISE_DATABASE_URL."""
        if self._server is None:
            self._server = open_server(None)
            sweep(self._server)
        return self._server

    def session(self, isolate: bool) -> ScratchSession:
        """The scratch session that creates this pytest run's databases (one per kind)."""
        if isolate not in self._sessions:
            session = ScratchSession(self.server(), isolate=isolate)
            self._sessions[isolate] = self._open.enter_context(session)
        return self._sessions[isolate]

    def target(self, project: Project, url: str) -> Target:
        """What env.py does with the database it is handed (probed once, on `url`)."""
        if project.root not in self._targets:
            with in_project_folder(project.root):
                self._targets[project.root] = probe(project, url)
        return self._targets[project.root]

    def close(self) -> None:
        """Drop every scratch database left and the sessions' run roles."""
        self._sessions = {}
        self._open.close()
