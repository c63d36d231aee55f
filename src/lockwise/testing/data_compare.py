"""What a revision did to the data: checksums before and after its steps, compared per column.

Values compare as multisets of hashes (`data_sums`), so "gone" means values held
before that are no longer there, and filling NULLs (a backfill) takes nothing away.
Each finding is an outcome and one line naming the table and column:

- `changed`: the upgrade, or upgrading again, overwrote values of a column the
  revision does not alter (add, drop, type, default, nullability; or its enum type).
- `lost`: values or rows held before the upgrade are gone after the downgrade.
- `ok` with a line starting `data loss:`: the upgrade drops a table or column that
  held values, or deletes rows. Reported, but dropping is often the point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from functools import cached_property

from lockwise.database.catalog import Catalog, Item
from lockwise.testing.data_sums import DataState, TableName, TableSum, label

Found = list[tuple[str, str]]  # (outcome, line)
Touched = Container[tuple[str, str, str]]  # (schema, table, column)

_TYPES = frozenset({"enum type", "domain", "composite type"})


class TouchedColumns:
    """The columns a revision touched (`touched_columns`), worked out when first asked.

    Only a column whose values changed is asked about, and few do.
    """

    def __init__(self, before: Catalog, after: Catalog) -> None:
        self.before, self.after = before, after

    def __contains__(self, column: object) -> bool:
        return column in self._columns

    @cached_property
    def _columns(self) -> set[tuple[str, str, str]]:
        return touched_columns(self.before, self.after)


def touched_columns(before: Catalog, after: Catalog) -> set[tuple[str, str, str]]:
    """Columns the revision adds, drops or alters, or whose enum or domain type it alters."""
    old = {item.key: item for item in before.items}
    new = {item.key: item for item in after.items}
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    types = {_type_label(old.get(key) or new[key]) for key in changed if key[0] in _TYPES}
    return {
        (item.schema, item.table, item.name)
        for item in (*before.items, *after.items)
        if item.kind == "column" and (item.key in changed or _column_type(item) in types)
    }


def upgrade_changes(before: DataState, after: DataState, touched: Touched) -> Found:
    """Values the upgrade overwrote in columns it does not alter; what it dropped or deleted."""
    found: Found = []
    for table, old in before.items():
        new = after.get(table)
        if new is old:  # the same digest: nothing changed
            continue
        if new is None:
            if old.rows and not _renamed(old, before, after):
                found.append(_dropped_table(table, old))
        elif new.rows < old.rows:
            deleted = f"{old.rows - new.rows} of the {old.rows} rows of {label(table)}"
            found.append(("ok", f"data loss: the upgrade deletes {deleted}"))
        else:
            found += _column_changes(table, old, new, touched)
    return found


def _dropped_table(table: TableName, old: TableSum) -> tuple[str, str]:
    return ("ok", f"data loss: the upgrade drops table {label(table)}, which held {old.rows} rows")


def _column_changes(table: TableName, old: TableSum, new: TableSum, touched: Touched) -> Found:
    found: Found = []
    added = [values for column, values in new.values.items() if column not in old.values]
    for column, values in old.values.items():
        name, count = f"{label(table)}.{column}", _count(values)
        if column not in new.values:
            if values and values not in added:  # not renamed
                line = f"data loss: the upgrade drops column {name}, which held {count} values"
                found.append(("ok", line))
        elif (gone := _count(values - new.values[column])) and (*table, column) not in touched:
            line = (
                f"the upgrade overwrote {gone} of its {count} values, though it does not alter it"
            )
            found.append(("changed", f"column {name}: {line}"))
    return found


def downgrade_losses(before: DataState, up: DataState, down: DataState) -> Found:
    """Values held before the upgrade that are gone after the downgrade.

    Tables and columns the upgrade dropped are left out: their loss is the upgrade's.
    """
    found: Found = []
    for table, old in before.items():
        new = down.get(table)
        if new is old or table not in up or not old.rows:
            continue
        # Rows the upgrade deleted are the upgrade's loss (optuna's v3.0.0.b deletes
        # trial_values rows without a value): the downgrade need not bring them back.
        kept = min(old.rows, up[table].rows)
        if new is None or new.rows < kept:
            left = f"{new.rows} of" if new else "none of"
            line = f"the downgrade leaves {left} the {kept} rows it held before the upgrade"
            if kept < old.rows:
                line += f" and kept through it ({old.rows - kept} the upgrade deleted)"
            found.append(("lost", f"table {label(table)}: {line}"))
            continue
        deleted = old.rows - kept
        for column, values in old.values.items():
            if column in up[table].values and values:
                name = f"{label(table)}.{column}"
                found += _lost_values(name, values, new.values.get(column), deleted)
    return found


def _lost_values(
    name: str, values: Counter[int], after: Counter[int] | None, deleted: int
) -> Found:
    """Values gone after the downgrade, beyond those of the rows the upgrade deleted."""
    gone = _count(values - (after or Counter())) - deleted
    if gone <= 0:
        return []
    if not after:
        how = "none are left after the downgrade (dropped and re-created empty?)"
    else:
        how = f"{gone} of them are gone after the downgrade"
    return [("lost", f"column {name}: held {_count(values)} values before the upgrade; {how}")]


def again_changes(up: DataState, again: DataState, touched: Touched) -> Found:
    """Values of columns the revision does not alter that differ after down and up again."""
    found: Found = []
    for table, first in up.items():
        second = again.get(table)
        if second is None or second is first:
            continue
        if second.rows < first.rows:
            line = f"upgrading again leaves {second.rows} of the {first.rows} rows"
            found.append(("changed", f"table {label(table)}: {line}"))
            continue
        for column, values in first.values.items():
            if column not in second.values:
                continue
            if (gone := _count(values - second.values[column])) and (*table, column) not in touched:
                line = f"{gone} of its {_count(values)} values differ after upgrading again"
                found.append(("changed", f"column {label(table)}.{column}: {line}"))
    return found


def _renamed(old: TableSum, before: DataState, after: DataState) -> bool:
    """True when a table new after the upgrade holds exactly the same rows."""
    return any(
        (new.rows, new.digest) == (old.rows, old.digest)
        for table, new in after.items()
        if table not in before
    )


def _count(values: Counter[int]) -> int:
    return sum(values.values())


def _type_label(item: Item) -> str:
    return label((item.schema, item.name))


def _column_type(column: Item) -> str:
    return str(dict(column.attrs).get("type", "")).removesuffix("[]")
