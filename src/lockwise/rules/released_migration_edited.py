"""LW411 released-migration-edited: a revision file listed in lockwise.sum has changed.

Review finds it from the project's manifest (`lockwise.manifest`), not from statements:
one finding per listed file that was edited or deleted, and one when the manifest's
first line no longer sums its other lines. It is a rule so that it can be explained,
disabled and given a severity like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockwise.rules.base import Hit, RevisionFacts, Rule


def check(facts: RevisionFacts) -> Iterator[Hit]:
    """Nothing on statements: review compares the files with lockwise.sum."""
    return iter(())


RULE = Rule(
    id="LW411",
    name="released-migration-edited",
    severity="error",
    summary="A revision file listed in lockwise.sum that was edited or deleted after release",
    lock="",
    blocks="nothing: production keeps the old version, fresh installs get the new one",
    why=(
        "A revision that ran in production is history. Editing its file changes what a "
        "fresh database (a new developer, CI, a new region) builds, never what production "
        "already has, and Alembic cannot tell: both say they are at the same revision, with "
        "different schemas. Deleting a released file breaks the history for every database "
        "that ran it. `lockwise sum` records the checksum of each revision file in "
        "migrations/lockwise.sum (and `lockwise new` adds each new file), so an edit shows "
        "in review. Put the change in a new revision instead."
    ),  # https://atlasgo.io/concepts/migration-directory-integrity
    fix=(
        "git checkout -- migrations/versions/1a2b3c4d5e6f_create_users.py\n"
        'lockwise new -m "the change, as a new revision"\n'
        "# the file was never released: accept the edit with\n"
        "lockwise sum"
    ),
    check=check,
    bad=(),
    good=(),
    scope="manifest",
)
