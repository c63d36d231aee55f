"""The command line: parse, call a function of `commands`, render, exit with its code.

Exit codes: 0 clean; 1 failed checks; 2 bad input; 3 the database could not be
reached or started; 70 lockwise itself failed (a bug); 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click
import psycopg
from rich.console import Console

from lockwise import __version__, interrupts
from lockwise.errors import DatabaseUnavailable, LockwiseError
from lockwise.output import report_stream

if TYPE_CHECKING:
    from lockwise.invocation import Invocation
    from lockwise.project import Revision
    from lockwise.report.paths import Paths
    from lockwise.review.findings import ReviewReport

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
JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="2: review in a second process while this one tests; 1: one after the other."
    "  [default: 2 on two or more cores, else 1]",
)
OUTPUT = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout.",
)
NO_DATA = click.option(
    "--no-data",
    is_flag=True,
    help="Test the schema only: no rows in the tables, no data checks.",
)


def alembic_options(command: Callable[..., None]) -> Callable[..., None]:
    """Alembic's own -c/--config, -n/--name and -x, as `alembic` takes them.

    The command receives them together, as `invocation`.
    """

    @functools.wraps(command)
    def with_invocation(
        *args: Any, config_file: Path | None, section: str, x_args: tuple[str, ...], **kwargs: Any
    ) -> None:
        from lockwise.invocation import Invocation

        invocation = Invocation(config_file=config_file, section=section, x_args=x_args)
        command(*args, invocation=invocation, **kwargs)

    options = [
        click.option(
            "-c",
            "--config",
            "config_file",
            type=click.Path(path_type=Path),
            help="Alembic ini (or pyproject.toml) to use; relative paths in it resolve"
            " against the working folder, as with alembic -c.",
        ),
        click.option("-n", "--name", "section", default="alembic", help="Ini section to use."),
        click.option(
            "-x", "x_args", multiple=True, help="key=value for env.py's context.get_x_argument()."
        ),
    ]
    decorated: Callable[..., None] = with_invocation
    for option in reversed(options):
        decorated = option(decorated)
    return decorated


def _project_only(project: Path, command: str) -> None:
    from lockwise.errors import BadInput

    if project.suffix == ".sql":
        raise BadInput(
            f"lockwise {command} runs an Alembic project, not SQL files:"
            f" lockwise review {project} checks SQL files"
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
@alembic_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@NO_DATA
@OUTPUT
def test(
    project: Path,
    url: str | None,
    invocation: Invocation,
    fmt: str,
    no_data: bool,
    output: Path | None,
) -> None:
    """Upgrade, downgrade and upgrade again every revision; compare models with the head."""
    from lockwise import commands
    from lockwise.report import test_json, test_text

    _project_only(project, "test")
    with report_stream(output) as out:
        report = commands.test(project, url, _progress(), invocation, data=not no_data)
        _notes(report.notes)
        if fmt == "json":
            out.write(test_json.render(report) + "\n")
        else:
            _console(out).print(test_text.render(report))
    sys.exit(0 if report.ok else 1)


@cli.command()
@PROJECT
@click.option(
    "--url",
    help="The database to verify, read in a read-only transaction"
    " (default: a scratch database upgraded to head).",
)
@click.option(
    "--describe",
    metavar="TABLE",
    help="Describe TABLE (or all tables) as psql's \\d+ does, with the index list.",
)
@alembic_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@OUTPUT
def verify(
    project: Path,
    url: str | None,
    describe: str | None,
    invocation: Invocation,
    fmt: str,
    output: Path | None,
) -> None:
    """Compare a database with the models and the migration head; writes nothing.

    Scratch databases (the models are created in one) live on the embedded server, or
    on the server $LOCKWISE_DATABASE_URL names.
    """
    from lockwise import commands
    from lockwise.report import verify_json, verify_text

    _project_only(project, "verify")
    with report_stream(output) as out:
        report = commands.verify(project, url, describe, invocation)
        _notes(report.notes)
        if fmt == "json":
            out.write(verify_json.render(report) + "\n")
        else:
            _console(out).print(verify_text.render(report))
    sys.exit(0 if report.ok else 1)


REVIEW_FORMATS = ["text", "json", "markdown", "github", "sarif"]


@cli.command()
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@URL
@alembic_options
@click.option("--range", "revision_range", help="Revisions A:B (after A, up to B).")
@click.option("--since", help="Revisions after REV (same as --range REV:).")
@click.option("--stats-from", help="Read production table sizes from this URL (read-only).")
@click.option("--format", "fmt", type=click.Choice(REVIEW_FORMATS), default="text")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None)
@click.option(
    "--target-version",
    type=int,
    default=None,
    help="For SQL files: production PG (default: target_version of ./pyproject.toml, or 15).",
)
@click.option(
    "--single-transaction",
    is_flag=True,
    help="For SQL files: they run in one transaction (psql -1), not statement by statement.",
)
@click.option("--infos", is_flag=True, help="Show each info finding (text format).")
@click.option(
    "--fix",
    "write_fixes",
    is_flag=True,
    help="Rewrite the unsafe ops in place (of --since, --range or the revision files given).",
)
@click.option("--diff", is_flag=True, help="Show what --fix would change; write nothing.")
@OUTPUT
def review(
    targets: tuple[Path, ...],
    url: str | None,
    invocation: Invocation,
    revision_range: str | None,
    since: str | None,
    stats_from: str | None,
    fmt: str,
    fail_on: str | None,
    target_version: int | None,
    single_transaction: bool,
    infos: bool,
    write_fixes: bool,
    diff: bool,
    output: Path | None,
) -> None:
    """Measure what each migration does and report hazards (or lint plain .sql files).

    With --fix, the unsafe ops of the revisions in --since/--range (or of the revision
    files given) are rewritten into their safe sequences, in place, and the fixed files
    are reviewed again.
    """
    from lockwise import commands
    from lockwise.config import fail_on as parse_fail_on
    from lockwise.config import load_settings
    from lockwise.config import target_version as checked_version
    from lockwise.errors import BadInput

    sql_files = [t for t in targets if t.suffix == ".sql"]
    revision_files = [t for t in targets if t.suffix == ".py"]
    if (sql_files or revision_files) and len(sql_files or revision_files) != len(targets):
        raise BadInput("review SQL files, revision files or one Alembic project, not a mix")
    if len(targets) > 1 and not (sql_files or revision_files):
        raise BadInput("review takes one Alembic project (or several .sql files)")
    if since and revision_range:
        raise BadInput("--since and --range name the same thing: give one")
    if target_version is not None:
        checked_version(target_version)
    span: str | tuple[str, ...] | None = revision_range or (f"{since}:" if since else None)
    if revision_files:
        if span is not None:
            raise BadInput("give revision files or --since/--range, not both")
        span = _revision_ids(revision_files)
        targets = (_project_of(revision_files[0], invocation),)
    if write_fixes or diff:
        _check_fixable(sql_files, span)
    with report_stream(output) as out:
        if sql_files:
            settings = load_settings(Path.cwd())  # the working folder's [tool.lockwise]
            report = commands.review_sql(sql_files, target_version, single_transaction, settings)
            settings_fail_on = settings.fail_on or "never"
        else:
            project = targets[0] if targets else Path(".")
            report = commands.review(project, url, span, stats_from, _progress(), invocation)
            if diff:  # the diff is the report
                to_fix = _show_fixes(project, report, out, invocation)
            elif write_fixes:
                report = _fixed(project, report, invocation, (url, span, stats_from))
            settings = load_settings(project.resolve() if project.is_dir() else project.parent)
            settings_fail_on = settings.fail_on or "never"
        if not diff:
            _notes(report.notes)
            project_folder = None if sql_files else (targets[0] if targets else Path("."))
            _print_review(report, fmt, out, infos, _paths(project_folder))
    if diff:
        sys.exit(1 if to_fix else 0)
    sys.exit(1 if report.fails(parse_fail_on(fail_on or settings_fail_on)) else 0)


def _revision_ids(files: list[Path]) -> tuple[str, ...]:
    """The revision each file declares (`revision = "..."`)."""
    from lockwise.errors import BadInput
    from lockwise.revision_files import assigned_string

    found = []
    for file in files:
        revision_id = assigned_string(file, "revision") if file.is_file() else None
        if revision_id is None:
            raise BadInput(f"{file}: not an Alembic revision file (no revision = ... in it)")
        found.append(revision_id)
    return tuple(found)


def _project_of(file: Path, invocation: Invocation) -> Path:
    """The project a revision file belongs to: the working folder, as for `alembic`, or
    the nearest folder above the file that holds an alembic.ini."""
    if invocation.config_file is not None or Path("alembic.ini").is_file():
        return Path(".")
    return next((p for p in file.resolve().parents if (p / "alembic.ini").is_file()), Path("."))


def _check_fixable(sql_files: list[Path], span: str | tuple[str, ...] | None) -> None:
    from lockwise.errors import BadInput

    if sql_files:
        raise BadInput("--fix rewrites the revision files of an Alembic project, not .sql files")
    if span is None:
        raise BadInput(
            "--fix rewrites only the revisions you name: give --since REV or --range A:B "
            "(revisions that already ran in production must not change)"
        )


def _show_fixes(project: Path, report: ReviewReport, out: TextIO, invocation: Invocation) -> bool:
    """Print the fixes as a diff, write nothing; True when there is something to fix."""
    from lockwise import commands

    changes = commands.fix(project, report, invocation)
    out.write("".join(change.diff(Path.cwd().resolve()) for change in changes))
    count = sum(len(change.fixed) for change in changes)
    click.echo(f"{count} fixes in {len(changes)} files (not written: --diff)", err=True)
    return bool(changes)


def _fixed(
    project: Path,
    report: ReviewReport,
    invocation: Invocation,
    again: tuple[str | None, str | tuple[str, ...] | None, str | None],
) -> ReviewReport:
    """Write the fixes; the review of the fixed files."""
    from lockwise import commands

    changes = commands.fix(project, report, invocation)
    count = sum(len(change.fixed) for change in changes)
    for change in changes:
        change.write()
        click.echo(f"fixed {', '.join(sorted(set(change.fixed)))} in {change.path}", err=True)
    click.echo(f"{count} fixes in {len(changes)} files; reviewing them again", err=True)
    url, span, stats_from = again
    return commands.review(project, url, span, stats_from, _progress(), invocation)


@cli.command()
@PROJECT
@URL
@alembic_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None)
@NO_DATA
@JOBS
@OUTPUT
def check(
    project: Path,
    url: str | None,
    invocation: Invocation,
    fmt: str,
    fail_on: str | None,
    no_data: bool,
    jobs: int | None,
    output: Path | None,
) -> None:
    """Review and test together: the gate for CI and pre-merge."""
    import json

    from lockwise import commands
    from lockwise.config import fail_on as parse_fail_on
    from lockwise.config import load_settings
    from lockwise.report import check_text, review_json, test_json
    from lockwise.side_review import default_jobs

    _project_only(project, "check")
    jobs = default_jobs() if jobs is None else jobs
    with report_stream(output) as out:
        report = commands.check(project, url, _progress(), invocation, _phase(), not no_data, jobs)
        if fail_on is None:
            configured = load_settings(project.resolve() if project.is_dir() else project.parent)
            fail_on = configured.fail_on or "never"
        _notes(report.review.notes)
        if fmt == "json":
            both = {
                "review": review_json.as_dict(report.review),
                "test": test_json.as_dict(report.test),
            }
            out.write(json.dumps(both, indent=2) + "\n")
        else:
            _console(out).print(check_text.render(report))
    sys.exit(1 if report.fails(parse_fail_on(fail_on)) else 0)


@cli.command()
@PROJECT
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--empty", is_flag=True, help="Write an empty revision (no autogenerate).")
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="TABLE.OLD:NEW",
    help="A column the models renamed (autogenerate sees a drop and an add).",
)
@URL
@alembic_options
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default=None)
@OUTPUT
def new(
    project: Path,
    message: str,
    empty: bool,
    renames: tuple[str, ...],
    url: str | None,
    invocation: Invocation,
    fail_on: str | None,
    output: Path | None,
) -> None:
    """Autogenerate the next revision, written safe, and review it at once."""
    from lockwise import commands
    from lockwise.config import fail_on as parse_fail_on
    from lockwise.config import load_settings

    _project_only(project, "new")
    with report_stream(output) as out:
        report = commands.new(project, message, empty, renames, url, _progress(), invocation)
        click.echo(f"wrote {report.path}", err=True)
        if report.fixed:
            click.echo(f"made safe: {', '.join(sorted(set(report.fixed)))}", err=True)
        for rename in report.maybe_renames:
            table_old, _, new_name = rename.partition(":")
            click.echo(
                f"{table_old} dropped and {new_name} added with the same type: if this is a "
                f"rename, run again with --rename {rename} (and delete {report.path.name})",
                err=True,
            )
        if report.manifest:
            click.echo(f"listed it in {report.manifest}", err=True)
        _notes(report.review.notes)
        _print_review(report.review, "text", out)
        configured = load_settings(project.resolve() if project.is_dir() else project.parent)
        level = parse_fail_on(fail_on or configured.fail_on or "never")
    sys.exit(1 if report.review.fails(level) else 0)


@cli.command()
@PROJECT
@click.option("--url", required=True, help="The database to upgrade (its password is never shown).")
@alembic_options
@click.option("--to", "to", default=None, help="Upgrade to this revision (default: the head).")
@click.option("--dry-run", is_flag=True, help="Print the plan of what would run; change nothing.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds to wait for another apply to finish.",
)
@click.option("--lock-timeout", default=None, help="Per statement [default: [tool.lockwise], 2s].")
@click.option("--statement-timeout", default=None, help="Per statement [default: none].")
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Runs again of a revision that failed on lock_timeout.",
)
def apply(
    project: Path,
    url: str,
    invocation: Invocation,
    to: str | None,
    dry_run: bool,
    wait: float,
    lock_timeout: str | None,
    statement_timeout: str | None,
    retries: int,
) -> None:
    """Upgrade a production database: one deploy at a time, short lock waits, retries."""
    from lockwise import commands
    from lockwise.config import duration
    from lockwise.release.apply import Options
    from lockwise.release.sessions import Timeouts
    from lockwise.report import apply_text

    _project_only(project, "apply")
    timeouts = Timeouts(
        lock_timeout=duration(lock_timeout, "--lock-timeout") if lock_timeout else "",
        statement_timeout=(
            duration(statement_timeout, "--statement-timeout") if statement_timeout else ""
        ),
    )
    if dry_run:  # the plan of what would run: read-only on the database
        from rich.markdown import Markdown

        from lockwise.report import plan_markdown
        from lockwise.side_review import default_jobs

        span = f":{to}" if to else None
        plan = commands.plan(project, url, span, _progress(), invocation, _phase(), default_jobs())
        _console().print(Markdown(plan_markdown.render(plan)))
        sys.exit(0 if plan.ok else 1)
    options = Options(timeouts, retries, wait, to)
    printer = apply_text.Printer(_console(sys.stderr))  # bound now: env.py runs redirect it
    try:
        report = commands.apply(project, url, options, printer, invocation)
    finally:
        printer.close()
    click.echo(apply_text.render(report))
    sys.exit(0 if report.ok else 1)


@cli.command()
@PROJECT
@click.option("--url", default=None, help="The production database, read-only: ship what it lacks.")
@alembic_options
@click.option("--range", "revision_range", help="Revisions A:B (after A, up to B).")
@click.option("--since", help="Revisions after REV (same as --range REV:).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@JOBS
@OUTPUT
def plan(
    project: Path,
    url: str | None,
    invocation: Invocation,
    revision_range: str | None,
    since: str | None,
    fmt: str,
    jobs: int | None,
    output: Path | None,
) -> None:
    """The release report: files, SQL, verification, warnings, instructions."""
    import json

    from rich.markdown import Markdown

    from lockwise import commands
    from lockwise.errors import BadInput
    from lockwise.report import plan_json, plan_markdown
    from lockwise.side_review import default_jobs

    _project_only(project, "plan")
    if since and revision_range:
        raise BadInput("--since and --range name the same thing: give one")
    span = revision_range or (f"{since}:" if since else None)
    with report_stream(output) as out:
        report = commands.plan(
            project,
            url,
            span,
            _progress(),
            invocation,
            _phase(),
            default_jobs() if jobs is None else jobs,
        )
        if fmt == "json":
            out.write(json.dumps(plan_json.as_dict(report), indent=2) + "\n")
        elif fmt == "markdown":
            out.write(plan_markdown.render(report))
        else:
            _console(out).print(Markdown(plan_markdown.render(report)))
    sys.exit(0 if report.ok else 1)


@cli.command(name="status")
@PROJECT
@click.option("--url", required=True, help="The database to look at (read-only).")
@alembic_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@OUTPUT
def status_command(
    project: Path, url: str, invocation: Invocation, fmt: str, output: Path | None
) -> None:
    """Explain a database's state (version, heads, INVALID indexes, a half-run revision)."""
    import json

    from lockwise import commands
    from lockwise.report import status_text

    _project_only(project, "status")
    with report_stream(output) as out:
        report = commands.status(project, url, invocation)
        if fmt == "json":
            out.write(json.dumps(status_text.as_dict(report), indent=2) + "\n")
        else:
            out.write(status_text.render(report) + "\n")
    sys.exit(0 if report.ok else 1)


@cli.command(name="sum")
@PROJECT
@alembic_options
def sum_command(project: Path, invocation: Invocation) -> None:
    """Write migrations/lockwise.sum: the checksums of the revision files as they are now.

    Once released, a revision file must not change: `lockwise check` and `review` report
    an edit of a file listed there (LW411). `lockwise new` adds each file it writes.
    """
    from lockwise import commands

    _project_only(project, "sum")
    written, count = commands.sum_files(project, invocation)
    click.echo(f"wrote {written}: {count} revision files")


@cli.command()
def rules() -> None:
    """List every rule: id, name, severity, what it flags."""
    from rich.table import Table

    from lockwise.docs import rules_table

    table = Table(title="lockwise rules")
    for heading in ("id", "name", "severity", "flags"):
        table.add_column(heading)
    for row in rules_table():
        table.add_row(*row)
    _console().print(table)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show one rule's page (by id, e.g. LW207, or by name)."""
    from rich.markdown import Markdown

    from lockwise.docs import rule_page
    from lockwise.errors import BadInput
    from lockwise.rules import BY_ID, BY_NAME

    found = BY_ID.get(rule.upper()) or BY_NAME.get(rule)
    if found is None:
        raise BadInput(f"unknown rule {rule} (lockwise rules lists them)")
    _console().print(Markdown(rule_page(found)))


def _progress() -> Callable[[int, int, Revision], None]:
    errors = Console(stderr=True)

    def show(index: int, total: int, revision: Revision) -> None:
        errors.print(
            f"[dim][{index + 1}/{total}][/] {revision.id} {revision.message}", highlight=False
        )

    return show


def _phase() -> Callable[[str], None]:
    """Name each phase of `check` on stderr, above its progress lines."""
    from lockwise.report.check_text import heading

    errors = _console(sys.stderr)
    return lambda phase: errors.print(heading(phase))


def _paths(project: Path | None) -> Paths:
    """How GitHub and SARIF name the files: from the repository root (the git top-level of
    the working folder, else the working folder), wherever the project sits in it."""
    from lockwise.report.paths import project_paths, working_folder_paths

    return working_folder_paths() if project is None else project_paths(project)


def _print_review(
    report: ReviewReport, fmt: str, out: TextIO, infos: bool = False, paths: Paths | None = None
) -> None:
    from lockwise.report import (
        review_github,
        review_json,
        review_markdown,
        review_sarif,
        review_text,
    )
    from lockwise.report.paths import AS_GIVEN

    if fmt == "text":
        _console(out).print(review_text.render(report, infos))
        return
    where = paths or AS_GIVEN
    renderers: dict[str, Callable[[ReviewReport], str]] = {
        "json": review_json.render,
        "markdown": review_markdown.render,
        "github": lambda report: review_github.render(report, where),
        "sarif": lambda report: review_sarif.render(report, where),
    }
    text = renderers[fmt](report)
    out.write(text if text.endswith("\n") or not text else f"{text}\n")


def _notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        click.echo(f"lockwise: note: {note}", err=True)


def _console(file: TextIO | None = None) -> Console:
    # A CI log is no 80-column terminal: give the summary table room unless told.
    console = Console(file=file)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(file=file, width=LOG_WIDTH)
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


def main() -> None:
    """Run the command line; map every outcome to its exit code (see the module docstring).

    The process ends right after the last look at the signals (`os._exit`, once the
    report and messages are flushed): a Ctrl-C that lands while the interpreter would
    be tearing itself down still ends the run with 130, never with 0.
    """
    interrupts.install()
    code = _outcome(debug="--debug" in sys.argv[1:])
    interrupts.hold()
    if interrupts.stopped() and code != interrupts.exit_code():
        click.echo("lockwise: interrupted", err=True)
        code = interrupts.exit_code()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _outcome(debug: bool) -> int:
    """Run the command; return its exit code, after printing what went wrong if anything."""
    try:
        cli.main(standalone_mode=False)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    except BaseException as error:
        # Once interrupted, whatever the run was doing when it stopped is no result.
        if interrupts.interrupted() or isinstance(error, KeyboardInterrupt | click.Abort):
            click.echo("lockwise: interrupted", err=True)
            return interrupts.exit_code()
        return _failure(error, debug)
    return 0


def _failure(error: BaseException, debug: bool) -> int:
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.ClickException):
        error.show()
        return error.exit_code
    if debug or not isinstance(error, Exception):
        raise error
    if isinstance(error, LockwiseError):
        click.echo(f"lockwise: error: {error}", err=True)
        return error.exit_code
    if isinstance(error, psycopg.OperationalError):
        # The server went away mid-run; libpq messages carry no password.
        click.echo(f"lockwise: error: lost the database: {_first_line(error)}", err=True)
        return DatabaseUnavailable.exit_code
    click.echo(
        f"lockwise: internal error: {type(error).__name__}: {_first_line(error)}"
        " (run with --debug for the traceback)",
        err=True,
    )
    return INTERNAL_ERROR


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""
