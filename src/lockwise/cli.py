"""The command line: parse, call a function of `commands`, render, exit with its code.

Exit codes: 0 clean; 1 failed checks; 2 bad input; 3 the database could not be
reached or started; 70 lockwise itself failed (a bug); 130 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import click
import psycopg
from rich.console import Console

from lockwise import __version__
from lockwise.errors import DatabaseUnavailable, LockwiseError

if TYPE_CHECKING:
    from lockwise.project import Revision

# Commands import their modules when they run: Alembic and SQLAlchemy take a third of
# a second to import, which `lockwise db ...` and `--version` do not need.

PROJECT = click.argument(
    "project", type=click.Path(path_type=Path), default=Path("."), required=False
)
INTERNAL_ERROR = 70  # EX_SOFTWARE from sysexits.h
LOG_WIDTH = 120

URL = click.option(
    "--url",
    envvar="LOCKWISE_DATABASE_URL",
    help="PostgreSQL server for scratch databases (default: the embedded one).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lockwise")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Make Alembic migrations on PostgreSQL safe to write, review, test and ship."""
    ctx.obj = {"debug": debug}


@cli.command()
@PROJECT
@URL
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def test(project: Path, url: str | None, fmt: str) -> None:
    """Upgrade, downgrade and upgrade again every revision; compare models with the head."""
    errors = Console(stderr=True)

    def progress(index: int, total: int, revision: Revision) -> None:
        errors.print(
            f"[dim][{index + 1}/{total}][/] {revision.id} {revision.message}", highlight=False
        )

    from lockwise import commands
    from lockwise.report import test_json, test_text

    report = commands.test(project, url, progress)
    if fmt == "json":
        click.echo(test_json.render(report))
    else:
        _console().print(test_text.render(report))
    sys.exit(0 if report.ok else 1)


def _console() -> Console:
    # A CI log is no 80-column terminal: give the summary table room unless told.
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=LOG_WIDTH)
    return console


@cli.group()
def db() -> None:
    """The embedded PostgreSQL: start, stop, status, url, psql."""


@db.command()
def start() -> None:
    """Start the embedded server (created on first use)."""
    from lockwise import commands

    server = commands.db_start()
    click.echo(f"embedded PostgreSQL {server.version()} running in {server.data_dir}")


@db.command()
def stop() -> None:
    """Stop the embedded server."""
    from lockwise import commands

    stopped = commands.db_stop()
    click.echo("stopped" if stopped else "not running")


@db.command()
def status() -> None:
    """Show the version, the socket or port, and the data folder."""
    from lockwise import commands

    state = commands.db_status()
    click.echo(f"data folder: {state.data_dir}")
    if not state.initialized:
        click.echo("state: not created yet (lockwise db start creates it)")
        return
    click.echo(f"version: {state.version}")
    click.echo(f"state: {'running' if state.running else 'stopped'}")
    if state.running:
        click.echo(f"socket: {state.socket_dir} (port {state.port})")


@db.command()
def url() -> None:
    """Print a URL for the embedded server that psql and SQLAlchemy accept."""
    from lockwise import commands

    click.echo(commands.db_start().url)


@db.command(context_settings={"ignore_unknown_options": True})
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
def psql(psql_args: tuple[str, ...]) -> None:
    """Open the psql shipped with the embedded server."""
    from lockwise import commands
    from lockwise.database.server import psql_path

    server = commands.db_start()
    binary = str(psql_path())
    os.execv(binary, [binary, server.url, *psql_args])


def _terminate(_signum: int, _frame: FrameType | None) -> NoReturn:
    # Turn SIGTERM into the same unwinding as Ctrl-C, so scratch databases are dropped.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the `lockwise` console script."""
    signal.signal(signal.SIGTERM, _terminate)
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except LockwiseError as error:
        if debug:
            raise
        click.echo(f"lockwise: error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("lockwise: interrupted", err=True)
        sys.exit(130)
    except psycopg.OperationalError as error:
        # The server went away mid-run; libpq messages carry no password.
        if debug:
            raise
        click.echo(f"lockwise: error: lost the database: {_first_line(error)}", err=True)
        sys.exit(DatabaseUnavailable.exit_code)
    except Exception as error:
        if debug:
            raise
        click.echo(
            f"lockwise: internal error: {type(error).__name__}: {_first_line(error)}"
            " (run with --debug for the traceback)",
            err=True,
        )
        sys.exit(INTERNAL_ERROR)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""
