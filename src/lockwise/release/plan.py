"""`lockwise plan`: the release report, in five parts, from what review and test measured.

1. **files**: the revision files to ship, with a checksum each (as lockwise.sum has it);
2. **sql**: each statement as it will run, captured on a scratch database the way review
   captures it (not `alembic upgrade --sql` text): its lock on relations that existed
   before, what it rewrites or scans, and whether it runs inside a transaction;
3. **verification**: what `lockwise test` proved, check by check (it runs them);
4. **warnings**: review's findings at warning and above, with their fixes;
5. **instructions**: backup, the apply command, the steps outside a transaction, the
   deploy order a drop or rename asks for, and how to roll back.

With a production URL, the database is read in one read-only transaction (refused when
the server will not give one): its revision decides what ships (the revisions still to
run), and its table sizes give each rewrite or scan an estimated lock duration, with
review's model (`review.engine.ROWS_PER_SECOND`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lockwise import manifest
from lockwise.capture.facts import LOCK_MODES, Statement
from lockwise.database.read_only import read_only
from lockwise.database.stats import TableSize, sizes_in
from lockwise.errors import BadInput
from lockwise.migrate.versions import read_versions
from lockwise.project import Project, Revision
from lockwise.review.engine import ROWS_PER_SECOND
from lockwise.review.findings import Finding, ReviewReport
from lockwise.rules.base import SEVERITIES
from lockwise.testing.drift import Drift
from lockwise.testing.report import TestReport
from lockwise.urls import redact

# Findings that remove or rename what running code may still use: the application that
# no longer needs it ships first (expand, deploy, contract).
CONTRACT_RULES = frozenset(
    {"drop-column", "drop-table", "rename-column", "rename-table", "probable-rename-as-drop-add"}
)


# Weaker locks block only schema changes: not worth a reviewer's attention.
_NOTEWORTHY = "ShareUpdateExclusiveLock"


def _rank(mode: str) -> int:
    return LOCK_MODES.index(mode) if mode in LOCK_MODES else -1


@dataclass(frozen=True)
class PlanFile:
    """A revision file that ships."""

    revision: str
    message: str
    file: str
    checksum: str


@dataclass(frozen=True)
class PlannedStatement:
    """One statement as it will run, and what it holds.

    Attributes:
        locks: (relation, the strongest mode held) for relations that existed before,
            when it blocks more than schema changes (SHARE UPDATE EXCLUSIVE and up).
        transactional: False for a step outside a transaction (an autocommit block).
        estimated_lock_s: With a URL, how long a rewrite or scan may hold its lock.
    """

    revision: str
    file: str
    line: int | None
    sql: str
    transactional: bool
    locks: tuple[tuple[str, str], ...]
    rewrites: tuple[str, ...]
    scans: tuple[str, ...]
    estimated_lock_s: float | None = None


@dataclass(frozen=True)
class Check:
    """One thing `lockwise test` checked, whether it held, and where it did not."""

    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Instruction:
    """One step for production: what to do, and the commands to run."""

    title: str
    text: str
    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Production:
    """What the database at `--url` said, read-only."""

    database: str
    current: tuple[str, ...]
    sizes: Mapping[str, TableSize]
    bytes: int


@dataclass(frozen=True)
class PlanReport:
    """The release report (see the module)."""

    project: str
    revisions: tuple[str, ...]
    files: tuple[PlanFile, ...]
    sql: tuple[PlannedStatement, ...]
    verification: tuple[Check, ...]
    warnings: tuple[Finding, ...]
    instructions: tuple[Instruction, ...]
    production: Production | None = None

    @property
    def ok(self) -> bool:
        """True when every check held and no warning is an error."""
        return all(c.ok for c in self.verification) and not any(
            w.severity == "error" for w in self.warnings
        )


def read_production(project: Project, url: str, version_tables: frozenset[str]) -> Production:
    """The database's revision, table sizes and size, in one read-only transaction.

    Raises:
        BadInput: no read-only transaction, or a revision the project does not know.
        DatabaseUnavailable: `url` cannot be reached (exit 3).
    """
    with read_only(url, "plan") as conn:
        current = read_versions(conn, version_tables) or ()
        sizes = sizes_in(conn)
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    known = {revision.id for revision in project.revisions}
    unknown = [version for version in current if version not in known]
    if unknown:
        raise BadInput(
            f"{redact(url)} is at {', '.join(unknown)}, a revision this project does not know:"
            " lockwise status explains it"
        )
    return Production(redact(url), current, sizes, int(size[0]) if size else 0)


def pending(project: Project, current: tuple[str, ...]) -> tuple[str, ...]:
    """The revisions a database at `current` has still to run, base first."""
    done = project.ancestry(current)
    return tuple(r.id for r in project.revisions if r.id not in done)


def nothing_to_ship(project_arg: str, production: Production | None) -> PlanReport:
    """The report when the database already has every revision."""
    nothing = Instruction("Nothing to ship", "The database is at the head already.")
    return PlanReport(project_arg, (), (), (), (), (), (nothing,), production)


def build(
    project: Project,
    project_arg: str,
    revisions: tuple[str, ...],
    review: ReviewReport,
    test: TestReport,
    production: Production | None,
) -> PlanReport:
    """Put the report together from what review and test found about `revisions`."""
    selected = [r for r in project.revisions if r.id in revisions]
    sizes = production.sizes if production else {}
    statements = tuple(
        _planned(s, sizes)
        for s in review.statements
        if s.direction == "upgrade" and s.revision in revisions
    )
    warnings = tuple(
        f
        for f in review.findings
        if f.revision in revisions or not f.revision
        if SEVERITIES.index(f.severity) >= SEVERITIES.index("warning")
    )
    return PlanReport(
        project=project_arg,
        revisions=revisions,
        files=tuple(_file(project, r) for r in selected),
        sql=statements,
        verification=_verification(review, test, revisions),
        warnings=warnings,
        instructions=_instructions(
            project, project_arg, selected, statements, warnings, test, production
        ),
        production=production,
    )


def _file(project: Project, revision: Revision) -> PlanFile:
    checksum = manifest.digest(revision.path.read_bytes())
    return PlanFile(revision.id, revision.message, project.relative(revision.path), checksum)


def _planned(statement: Statement, sizes: Mapping[str, TableSize]) -> PlannedStatement:
    new = {*statement.created_before, *statement.created}
    strongest: dict[str, str] = {}
    for lock in statement.locks:
        if lock.relation not in new and _rank(lock.mode) >= _rank(_NOTEWORTHY):
            held = strongest.get(lock.relation)
            if held is None or _rank(lock.mode) > _rank(held):
                strongest[lock.relation] = lock.mode
    locks = tuple(sorted(strongest.items()))
    estimates = [
        sizes[table].rows / ROWS_PER_SECOND[kind]
        for kind, tables in (("rewrite", statement.rewrites), ("scan", statement.scans))
        for table in tables
        if table in sizes
    ]
    return PlannedStatement(
        revision=statement.revision,
        file=statement.file,
        line=statement.line,
        sql=statement.sql,
        transactional=statement.transactional,
        locks=locks,
        rewrites=tuple(r for r in statement.rewrites if r not in new),
        scans=tuple(r for r in statement.scans if r not in new),
        estimated_lock_s=round(max(estimates), 1) if estimates else None,
    )


def _verification(
    review: ReviewReport, test: TestReport, revisions: tuple[str, ...]
) -> tuple[Check, ...]:
    steps = [s for s in test.steps if s.revision in revisions]

    def failing(attr: str, good: frozenset[str]) -> str:
        return ", ".join(s.revision for s in steps if str(getattr(s, attr)) not in good)

    up = failing("up", frozenset({"ok"}))
    down = failing("down", frozenset({"ok", "irreversible", "skipped"}))
    trace = failing("no_trace", frozenset({"ok", "skipped"}))
    again = failing("up_again", frozenset({"ok", "skipped"}))
    data = "; ".join(p for s in steps for p in s.data_problems)
    drift = test.drift
    heads = len(test.heads)
    reviewed = ", ".join(f.revision for f in review.failures) or ", ".join(
        n.revision for n in review.not_reviewed
    )
    return (
        Check("single head", heads == 1, "" if heads == 1 else f"{heads} heads"),
        Check("upgrade", not up, f"failed: {up}" if up else ""),
        Check("downgrade", not down, f"failed: {down}" if down else ""),
        Check("no trace after downgrade", not trace, f"left a trace: {trace}" if trace else ""),
        Check("upgrade again", not again, f"differs: {again}" if again else ""),
        Check("models match the head", drift is not None and drift.ok, _drift(drift)),
        Check("data survives", not data, data),
        Check("review ran every statement", not reviewed, reviewed),
    )


def _drift(drift: Drift | None) -> str:
    if drift is None:
        return "not compared: the history did not reach the head"
    if drift.error:
        return drift.error
    if drift.ops:
        first = drift.ops[0].strip().splitlines()[0]
        return f"{len(drift.ops)} differences, the first {first} (lockwise test lists them)"
    return "" if drift.checked else drift.reason


def _instructions(
    project: Project,
    project_arg: str,
    selected: list[Revision],
    statements: tuple[PlannedStatement, ...],
    warnings: tuple[Finding, ...],
    test: TestReport,
    production: Production | None,
) -> tuple[Instruction, ...]:
    named = "" if project_arg == "." else f" {project_arg}"
    target = selected[-1].id
    before = ", ".join(project.parents(selected[0])) or "base"
    steps = [_backup(before, production)]
    steps.append(
        Instruction(
            "Apply",
            "One deploy at a time (an advisory lock), lock_timeout on every statement and"
            " retries when a lock is held: lockwise apply.",
            (f'lockwise apply{named} --url "$DATABASE_URL" --to {target}',),
        )
    )
    outside = [s for s in statements if not s.transactional]
    if outside:
        listed = "; ".join(f"{s.revision} {s.file}:{s.line}" for s in outside)
        steps.append(
            Instruction(
                "Steps outside a transaction",
                f"{len(outside)} statements commit on their own ({listed}). If one fails,"
                " its revision is not marked applied: run lockwise apply again; it drops an"
                " INVALID index a concurrent build left and builds it again. Each such step"
                " must be rerunnable (IF NOT EXISTS, a resumable backfill).",
                (f'lockwise status{named} --url "$DATABASE_URL"',),
            )
        )
    contract = [w for w in warnings if w.name in CONTRACT_RULES]
    for finding in contract:
        steps.append(
            Instruction(
                f"Deploy the application first: {finding.revision}",
                f"{finding.file}:{finding.line}: {finding.message}. Release the application"
                " version that no longer uses it, then apply this revision (expand, deploy,"
                " contract).",
            )
        )
    steps.append(_rollback(before, selected, test))
    return tuple(steps)


def _backup(before: str, production: Production | None) -> Instruction:
    size = ""
    if production is not None:
        size = f" The database holds {human_bytes(production.bytes)}."
    return Instruction(
        "Back up",
        "A custom-format dump restores with pg_restore, table by table if need be; for a"
        " large database a storage snapshot is faster to take and to restore." + size,
        (f'pg_dump --format=custom --file=before-{before}.dump "$DATABASE_URL"',),
    )


def _rollback(before: str, selected: list[Revision], test: TestReport) -> Instruction:
    by_id = {s.revision: s for s in test.steps}
    losses = [
        f"{r.id}: {'; '.join(by_id[r.id].data_problems)}"
        for r in selected
        if r.id in by_id and by_id[r.id].data == "lost"
    ]
    irreversible = [r.id for r in selected if r.id in by_id and by_id[r.id].down == "irreversible"]
    broken = [
        r.id
        for r in selected
        if r.id in by_id and (by_id[r.id].down == "failed" or by_id[r.id].no_trace == "trace")
    ]
    text = f"Downgrade to the revision before the release, {before}."
    if losses or irreversible or broken:
        parts = []
        if losses:
            parts.append(f"a downgrade loses data ({'; '.join(losses)})")
        if irreversible:
            parts.append(f"{', '.join(irreversible)} cannot be downgraded")
        if broken:
            parts.append(f"the downgrade of {', '.join(broken)} fails or leaves a trace")
        text = (
            f"Do not downgrade: {' and '.join(parts)}. Fix forward: write a new revision"
            " that undoes the change, test it, and apply it."
        )
        undo = f'lockwise new -m "undo {selected[-1].message}"'
        return Instruction("Roll back", text, (undo,))
    return Instruction("Roll back", text, (f"alembic downgrade {before}",))


def human_bytes(count: int) -> str:
    """`12.7 MB`, `3.2 GB`: a size as a person reads it (powers of 1000)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
