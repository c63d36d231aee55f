"""`lockwise verify` for a terminal: where the database stands, its drift, its descriptions."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from lockwise.database.catalog import Value
from lockwise.testing.catalog_drift import Difference
from lockwise.testing.describe import IndexEntry, TableDescription
from lockwise.testing.verify import VerifyReport

HEADINGS = {
    "database": "in the database, not in the models",
    "models": "in the models, not in the database",
    "both": "differs",
}
SHOWN = 10  # objects listed per "not compared" group; JSON lists them all


def render(report: VerifyReport) -> RenderableType:
    """Return the rich renderable for the whole report."""
    parts: list[RenderableType] = [_summary(report), *_drift(report)]
    parts += _left_out(report)
    parts += [_table(table) for table in report.tables]
    if report.indexes:
        parts.append(_index_list(report.indexes))
    parts.append(_verdict(report))
    return Group(*parts)


def _summary(report: VerifyReport) -> Text:
    version = report.version
    text = Text(f"lockwise verify {report.project} on PostgreSQL {report.postgres}\n", "bold")
    text.append(f"database: {report.database}\n")
    text.append("revision: ")
    text.append(version.message, "green" if version.ok else "bold red")
    return text


def _drift(report: VerifyReport) -> list[RenderableType]:
    differences = report.comparison.differences
    if not differences:
        return [Text("models vs database: no drift", "green")]
    parts: list[RenderableType] = [Text(f"models vs database: {_count(differences)}")]
    for where, heading in HEADINGS.items():
        found = [d for d in differences if d.where == where]
        if found:
            parts.append(Text(f"\n{heading}", "bold red"))
            parts += [Text(f"  {_line(d)}") for d in found]
    return parts


def _count(differences: tuple[Difference, ...]) -> str:
    return f"{len(differences)} difference{'' if len(differences) == 1 else 's'}"


def _line(difference: Difference) -> str:
    if difference.where != "both":
        return difference.label
    models, database = _show(difference.models), _show(difference.database)
    line = f"{difference.label}: {difference.attribute}: models {models}, database {database}"
    return line + _only_on_one_side(difference.models, difference.database)


def _only_on_one_side(models: Value, database: Value) -> str:
    """For lists (enum values, settings): what one side has that the other lacks."""
    if not isinstance(models, tuple) or not isinstance(database, tuple):
        return ""
    missing = [value for value in models if value not in database]
    extra = [value for value in database if value not in models]
    said = []
    if missing:
        said.append(f"the database lacks {', '.join(missing)}")
    if extra:
        said.append(f"the models lack {', '.join(extra)}")
    return f" ({'; '.join(said)})" if said else " (same values, another order)"


def _show(value: Value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return str(value)


def _left_out(report: VerifyReport) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for group in report.comparison.not_compared:
        shown = ", ".join(group.labels[:SHOWN])
        more = f" and {len(group.labels) - SHOWN} more" if len(group.labels) > SHOWN else ""
        parts.append(Text(f"\nnot compared ({group.reason}): {shown}{more}", "dim"))
    if report.excluded:
        parts.append(Text(f"excluded: {', '.join(report.excluded)}", "dim"))
    return parts


def _table(table: TableDescription) -> RenderableType:
    title = f'{table.kind.capitalize()} "{table.qualified}"'
    grid = Table(title=title, title_justify="left")
    for heading in ("Column", "Type", "Collation", "Nullable", "Default", "Description"):
        grid.add_column(heading, overflow="fold")
    for column in table.columns:
        nullable = "" if column.nullable else "not null"
        grid.add_row(
            column.name, column.type, column.collation, nullable, column.default, column.comment
        )
    sections = [
        ("Indexes:", [_index_line(index) for index in table.indexes]),
        ("Check constraints:", list(table.checks)),
        ("Foreign-key constraints:", list(table.foreign_keys)),
        ("Referenced by:", list(table.referenced_by)),
        ("Triggers:", list(table.triggers)),
        ("Options:", list(table.options)),
    ]
    lines = [
        Text(f"{heading}\n" + "\n".join(f"    {e}" for e in entries))
        for heading, entries in sections
        if entries
    ]
    if table.comment:
        lines.append(Text(f"Comment: {table.comment}"))
    return Group(Text(""), grid, *lines)


def _index_line(index: IndexEntry) -> str:
    invalid = "" if index.valid else " INVALID"
    return f"{index.name} {index.definition}{invalid}"


def _index_list(indexes: tuple[IndexEntry, ...]) -> RenderableType:
    grid = Table(title="List of indexes", title_justify="left")
    for heading in ("Schema", "Name", "Table", "Kind", "Definition", "Description"):
        grid.add_column(heading, overflow="fold")
    for index in indexes:
        definition = index.definition + ("" if index.valid else " INVALID")
        grid.add_row(index.schema, index.name, index.table, index.kind, definition, index.comment)
    return Group(Text(""), grid)


def _verdict(report: VerifyReport) -> Text:
    if report.ok:
        return Text("\nok: the database matches the models and is at head", "bold green")
    problems = []
    if report.comparison.differences:
        problems.append(f"{_count(report.comparison.differences)} from the models")
    if not report.version.ok:
        problems.append(report.version.message.split(":", 1)[0])
    return Text(f"\nfailed: {'; '.join(problems)}", "bold red")
