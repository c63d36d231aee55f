"""`lockwise plan` as Markdown: a pull-request comment (the terminal shows it rendered).

GitHub refuses a comment over 65,536 characters, so the SQL is cut, statement by
statement from the end, until the report fits; a line says how many were left out and
where to see them all.
"""

from __future__ import annotations

from lockwise.release.plan import PlannedStatement, PlanReport, human_bytes
from lockwise.report.lock_words import blocks

GITHUB_LIMIT = 65_536
_RESERVE = 300  # the line that says what was cut


def render(report: PlanReport, limit: int = GITHUB_LIMIT) -> str:
    """The report in five sections; at most `limit` characters."""
    shown = len(report.sql)
    text = _render(report, shown)
    while len(text) > limit and shown > 0:
        over = len(text) - limit + _RESERVE
        cut = max(1, min(shown, over // max(1, len(text) // max(1, shown))))
        shown -= cut
        text = _render(report, shown)
    return text[:limit]


def _render(report: PlanReport, shown: int) -> str:
    parts = [f"# Release plan: {report.project}", _database(report)]
    parts += ["## 1. Files", _files(report)]
    parts += ["## 2. SQL", _sql(report, shown)]
    parts += ["## 3. Verification", _verification(report)]
    parts += ["## 4. Warnings", _warnings(report)]
    parts += ["## 5. Instructions for production", _instructions(report)]
    return "\n\n".join(part for part in parts if part) + "\n"


def _database(report: PlanReport) -> str:
    production = report.production
    count = len(report.revisions)
    ships = f"{count} revision{'s' * (count != 1)} to ship"
    if production is None:
        return f"{ships}; no production database read (`--url` reads one, read-only)."
    at = ", ".join(production.current) or "no revision (empty)"
    size = human_bytes(production.bytes)
    return f"`{production.database}` is at {at} ({size}): {ships}."


def _files(report: PlanReport) -> str:
    if not report.files:
        return "Nothing to ship."
    rows = ["| revision | message | file | checksum |", "| --- | --- | --- | --- |"]
    rows += [
        f"| `{f.revision}` | {_cell(f.message)} | `{f.file}` | `{f.checksum}` |"
        for f in report.files
    ]
    return "\n".join(rows)


def _sql(report: PlanReport, shown: int) -> str:
    if not report.sql:
        return "No statement." if not report.revisions else "No statement was captured."
    kept = report.sql[:shown]
    messages = {f.revision: f.message for f in report.files}
    blocks_: list[str] = []
    for revision in report.revisions:
        statements = [s for s in kept if s.revision == revision]
        if not statements:
            continue
        blocks_.append(f"### `{revision}` {messages.get(revision, '')}")
        blocks_ += [_tables(report, statements)] if report.production else []
        blocks_ += [_statement(s) for s in statements]
    left = len(report.sql) - shown
    if left:
        blocks_.append(
            f"*{left} more statements are left out to fit a GitHub comment:"
            " `lockwise plan --format json` lists them all.*"
        )
    return "\n\n".join(blocks_)


def _tables(report: PlanReport, statements: list[PlannedStatement]) -> str:
    """The production size of each table the revision's statements lock."""
    sizes = report.production.sizes if report.production else {}
    named = sorted({relation for s in statements for relation, _ in s.locks if relation in sizes})
    if not named:
        return "In production: the tables it locks do not exist yet."
    listed = ", ".join(
        f"{t} ({sizes[t].rows:,} rows, {human_bytes(sizes[t].bytes)})" for t in named
    )
    return f"In production: {listed}."


def _statement(statement: PlannedStatement) -> str:
    where = f"line {statement.line}" if statement.line else "line unknown"
    facts = [where, "in a transaction" if statement.transactional else "**outside a transaction**"]
    for relation, mode in statement.locks:
        facts.append(f"{mode} on {relation} (blocks {blocks(mode)})")
    if statement.rewrites:
        facts.append(f"rewrites {', '.join(statement.rewrites)}")
    if statement.scans:
        facts.append(f"scans {', '.join(statement.scans)}")
    if statement.estimated_lock_s is not None:
        facts.append(f"about {statement.estimated_lock_s:g} s in production")
    sql = statement.sql.strip().rstrip(";") + ";"
    return f"{' · '.join(facts)}\n\n```sql\n{sql}\n```"


def _verification(report: PlanReport) -> str:
    if not report.verification:
        return "Nothing to verify."
    lines = ["`lockwise test` ran each check on a scratch database:", ""]
    for check in report.verification:
        mark = "✅" if check.ok else "❌"
        lines.append(
            f"- {mark} {check.name}" + (f": {_cell(check.detail)}" if check.detail else "")
        )
    return "\n".join(lines)


def _warnings(report: PlanReport) -> str:
    if not report.warnings:
        return "No finding at warning or above."
    items = []
    for f in report.warnings:
        where = f"`{f.file}:{f.line}`" if f.line else f"`{f.file}`"
        sized = ""
        if f.size is not None:
            sized = f" ({f.size.rows:,} rows"
            sized += f", about {f.estimated_lock_s:g} s locked)" if f.estimated_lock_s else ")"
        item = f"- **{f.severity} {f.rule} {f.name}** {where}{sized}: {f.message}"
        if f.fix:
            fix = "\n".join("  " + line for line in f.fix.splitlines())
            item += f"\n\n  Instead:\n\n  ```python\n{fix}\n  ```"
        items.append(item)
    return "\n".join(items)


def _instructions(report: PlanReport) -> str:
    items = []
    for number, step in enumerate(report.instructions, start=1):
        item = f"{number}. **{step.title}.** {step.text}"
        if step.commands:
            commands = "\n".join(f"   {command}" for command in step.commands)
            item += f"\n\n   ```shell\n{commands}\n   ```"
        items.append(item)
    return "\n".join(items)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
