"""Lock modes in words: what other sessions wait for while a statement holds one."""

from __future__ import annotations

# What each table-level lock mode blocks, from the "Conflicting Lock Modes" table of
# https://www.postgresql.org/docs/current/explicit-locking.html. Reads take ACCESS SHARE
# (SELECT FOR UPDATE/SHARE: ROW SHARE); writes take ROW EXCLUSIVE; VACUUM, ANALYZE and
# CREATE INDEX CONCURRENTLY take SHARE UPDATE EXCLUSIVE; most ALTER TABLE forms take
# ACCESS EXCLUSIVE. Keys are spelled as `pg_locks.mode` spells them.
_BLOCKS = {
    "AccessExclusiveLock": "reads and writes",
    # EXCLUSIVE lets only ACCESS SHARE through: plain SELECTs go on, nothing else.
    "ExclusiveLock": "writes and locking reads (SELECT FOR UPDATE/SHARE); plain reads go on",
    "ShareRowExclusiveLock": "writes",
    "ShareLock": "writes",
    "ShareUpdateExclusiveLock": "other schema changes and VACUUM, not reads or writes",
    "RowExclusiveLock": "only schema changes",
    "RowShareLock": "only schema changes",
    "AccessShareLock": "only schema changes",
}

_UNKNOWN = "the lock modes that conflict with it"


def blocks(mode: str) -> str:
    """What a lock mode blocks, in words: `blocks("ShareLock") == "writes"`.

    Args:
        mode: A lock mode as `pg_locks.mode` spells it (`ShareLock`); the SQL spelling
            (`SHARE ROW EXCLUSIVE`) is accepted too.

    Returns:
        A phrase that reads after "blocks ".
    """
    return _BLOCKS.get(_canonical(mode), _UNKNOWN)


def held(mode: str, relation: str = "") -> str:
    """A sentence for a held lock: `holds ShareLock on orders: blocks writes`."""
    where = f" on {relation}" if relation else ""
    return f"holds {_canonical(mode)}{where}: blocks {blocks(mode)}"


def _canonical(mode: str) -> str:
    words = mode.replace("_", " ").split()
    if len(words) == 1:
        return mode
    joined = "".join(word.capitalize() for word in words)
    return joined if joined.endswith("Lock") else f"{joined}Lock"
