"""LW217 fk-without-index: a new table's foreign key with no index on its columns."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from lockwise.rules.base import Example, Hit, RevisionFacts, Rule, StatementFacts, relation_name

Declared = tuple[StatementFacts, str, ast.Constraint, tuple[str, ...]]
_KEYS = (ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE)
_CUSTOMERS = "CREATE TABLE customers (id bigint PRIMARY KEY)"
_ORDERS = (
    'op.create_table("orders", sa.Column("id", sa.BigInteger(), primary_key=True),'
    ' sa.Column("customer_id", sa.BigInteger(), sa.ForeignKey("customers.id")))'
)
_INDEX = 'op.create_index("ix_orders_customer_id", "orders", ["customer_id"])'


def _declared(statement: StatementFacts, table: str, element: object) -> Iterator[Declared]:
    """Constraints of a table element or added column, with the columns they cover."""
    if isinstance(element, ast.Constraint):
        names = element.fk_attrs if element.contype == ConstrType.CONSTR_FOREIGN else element.keys
        yield statement, table, element, tuple(str(name.sval) for name in names or ())
    elif isinstance(element, ast.ColumnDef):
        for constraint in element.constraints or ():
            if isinstance(constraint, ast.Constraint):
                yield statement, table, constraint, (str(element.colname),)


def _constraints(facts: RevisionFacts) -> Iterator[Declared]:
    """Every constraint this revision declares, in CREATE TABLE or ALTER TABLE ... ADD."""
    adding = (AlterTableType.AT_AddConstraint, AlterTableType.AT_AddColumn)
    for statement, node in facts.of_type(ast.CreateStmt):
        for element in node.tableElts or ():
            yield from _declared(statement, relation_name(node.relation), element)
    for statement, node in facts.of_type(ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if cmd.subtype in adding:
                yield from _declared(statement, relation_name(node.relation), cmd.def_)


def _indexed(facts: RevisionFacts) -> set[tuple[str, tuple[str, ...]]]:
    """(table, leading columns) of every index, primary key and unique key made here."""
    found = {(table, cols) for _, table, c, cols in _constraints(facts) if c.contype in _KEYS}
    for _, node in facts.of_type(ast.IndexStmt):
        names = [elem.name for elem in node.indexParams or ()] + [None]
        found.add((relation_name(node.relation), tuple(names[: names.index(None)])))
    return found


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Flag foreign keys of tables created in this revision that no index here leads with."""
    created = {relation_name(node.relation) for _, node in facts.of_type(ast.CreateStmt)}
    indexed = _indexed(facts)
    for statement, table, constraint, cols in _constraints(facts):
        if constraint.contype != ConstrType.CONSTR_FOREIGN or table not in created:
            continue
        if not any(t == table and set(key[: len(cols)]) == set(cols) for t, key in indexed):
            parent = relation_name(constraint.pktable) if constraint.pktable else "its parent"
            yield Hit(
                f"Foreign key {table}({', '.join(cols)}) -> {parent} has no index on those "
                f"columns: every DELETE from {parent}, and every UPDATE of its key, scans "
                f"all of {table} to find referencing rows",
                statement.index,
            )


RULE = Rule(
    id="LW217",
    name="fk-without-index",
    severity="info",
    summary="Foreign key on a table created in the revision, with no index on its columns",
    lock="",
    blocks="nothing now; later, each parent delete or key update scans the whole child table",
    # https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
    why=(
        "PostgreSQL indexes the referenced side of a foreign key (it must be a primary or "
        "unique key) but not the referencing columns. Each DELETE of a parent row, and each "
        "UPDATE of its key, must then look for referencing rows with a sequential scan of "
        "the child table, under the parent row's lock: fine while the table is small, "
        "slow deletes and lock pile-ups once it is not. lockwise sees only the statements "
        "of this revision, not the indexes earlier revisions made, so it checks only "
        "tables created in this revision, where every index is in view."
    ),
    fix=f"{_ORDERS}\n{_INDEX}",
    check=check,
    bad=(Example(setup=_CUSTOMERS, upgrade=_ORDERS),),
    good=(
        Example(setup=_CUSTOMERS, upgrade=f"{_ORDERS}\n{_INDEX}"),
        Example(
            setup="CREATE TABLE orders (id bigint PRIMARY KEY)",
            upgrade=(
                'op.create_table("order_lines", sa.Column("order_id", sa.BigInteger(),'
                ' sa.ForeignKey("orders.id"), primary_key=True),'
                ' sa.Column("line", sa.Integer(), primary_key=True))'
            ),
        ),
        Example(
            setup=f"{_CUSTOMERS}; CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint)",
            upgrade='op.create_foreign_key(None, "orders", "customers", ["customer_id"], ["id"])',
        ),
    ),
)
