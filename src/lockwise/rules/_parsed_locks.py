"""The table locks a statement takes, read from its parse tree: static mode's measurement.

Plain SQL files are reviewed without a server, so nothing measures their locks. This is
PostgreSQL's documented lock level for each statement and each ALTER TABLE subcommand
(https://www.postgresql.org/docs/current/sql-altertable.html: "the lock level taken will
be the strictest one required by any subcommand"), and tests/rules/test_parsed_locks.py
runs every entry on the server and compares it with `pg_locks`. A subcommand not listed
takes ACCESS EXCLUSIVE, as most do.
"""

from __future__ import annotations

from pglast import ast
from pglast.enums import AlterTableType as At
from pglast.enums import ConstrType, ReindexObjectType

from lockwise.capture.facts import LOCK_MODES, Lock
from lockwise.rules.base import relation_name

_SHARE_UPDATE = "ShareUpdateExclusiveLock"
_SHARE_ROW = "ShareRowExclusiveLock"
_ACCESS = "AccessExclusiveLock"

_SUBCOMMANDS = {
    At.AT_ValidateConstraint: _SHARE_UPDATE,
    At.AT_SetStatistics: _SHARE_UPDATE,
    At.AT_SetOptions: _SHARE_UPDATE,  # a column's n_distinct
    At.AT_ResetOptions: _SHARE_UPDATE,
    At.AT_SetRelOptions: _SHARE_UPDATE,  # fillfactor, autovacuum_*, parallel_workers
    At.AT_ResetRelOptions: _SHARE_UPDATE,
    At.AT_ClusterOn: _SHARE_UPDATE,
    At.AT_DropCluster: _SHARE_UPDATE,
    At.AT_AttachPartition: _SHARE_UPDATE,  # on the parent; the partition: ACCESS EXCLUSIVE
    At.AT_DetachPartitionFinalize: _SHARE_UPDATE,
    At.AT_EnableTrig: _SHARE_ROW,
    At.AT_EnableAlwaysTrig: _SHARE_ROW,
    At.AT_EnableReplicaTrig: _SHARE_ROW,
    At.AT_EnableTrigAll: _SHARE_ROW,
    At.AT_EnableTrigUser: _SHARE_ROW,
    At.AT_DisableTrig: _SHARE_ROW,
    At.AT_DisableTrigAll: _SHARE_ROW,
    At.AT_DisableTrigUser: _SHARE_ROW,
}


def parsed_locks(node: object) -> list[Lock]:
    """The strongest lock the statement takes on each table it names, or [] if unknown."""
    taken: dict[str, str] = {}

    def take(relation: ast.RangeVar | None, mode: str) -> None:
        if relation is not None:
            name = relation_name(relation)
            taken[name] = max(taken.get(name, mode), mode, key=LOCK_MODES.index)

    if isinstance(node, ast.AlterTableStmt) and node.relation is not None:
        for command in node.cmds or ():
            take(node.relation, _subcommand(command))
            if isinstance(command.def_, ast.PartitionCmd):
                take(command.def_.name, _ACCESS)
            if _foreign_key(command):  # the referenced table too, against deletes
                take(command.def_.pktable, _SHARE_ROW)
            for constraint in getattr(command.def_, "constraints", None) or ():  # ADD COLUMN
                if constraint.contype == ConstrType.CONSTR_FOREIGN:
                    take(constraint.pktable, _SHARE_ROW)
    elif isinstance(node, ast.CreateStmt):  # the new table is nobody's yet; its parents are
        for element in node.tableElts or ():
            for constraint in getattr(element, "constraints", None) or (element,):
                if getattr(constraint, "contype", None) == ConstrType.CONSTR_FOREIGN:
                    take(constraint.pktable, _SHARE_ROW)
    elif isinstance(node, ast.IndexStmt):
        take(node.relation, _SHARE_UPDATE if node.concurrent else "ShareLock")
    elif isinstance(node, ast.CreateTrigStmt):
        take(node.relation, _SHARE_ROW)
    elif isinstance(node, ast.TruncateStmt | ast.LockStmt):
        # LOCK TABLE's mode numbers count from 1 (8: ACCESS EXCLUSIVE, its default)
        mode = LOCK_MODES[(node.mode or 8) - 1] if isinstance(node, ast.LockStmt) else _ACCESS
        for relation in node.relations or ():
            take(relation, mode)
    elif isinstance(node, ast.ReindexStmt) and node.kind == ReindexObjectType.REINDEX_OBJECT_TABLE:
        concurrent = any(option.defname == "concurrently" for option in node.params or ())
        take(node.relation, _SHARE_UPDATE if concurrent else "ShareLock")
    elif isinstance(node, ast.ClusterStmt):
        take(node.relation, _ACCESS)
    elif isinstance(node, ast.VacuumStmt) and any(o.defname == "full" for o in node.options or ()):
        for target in node.rels or ():
            take(target.relation, _ACCESS)
    return [Lock(relation, mode) for relation, mode in taken.items()]


def _subcommand(command: ast.AlterTableCmd) -> str:
    if command.subtype == At.AT_DetachPartition:
        return _SHARE_UPDATE if getattr(command.def_, "concurrent", False) else _ACCESS
    if _foreign_key(command):
        return _SHARE_ROW
    return _ACCESS if command.subtype is None else _SUBCOMMANDS.get(command.subtype, _ACCESS)


def _foreign_key(command: ast.AlterTableCmd) -> bool:
    constraint = command.def_
    return (
        command.subtype == At.AT_AddConstraint
        and isinstance(constraint, ast.Constraint)
        and constraint.contype == ConstrType.CONSTR_FOREIGN
    )
