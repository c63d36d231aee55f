"""What the data checks make of checksums: which differences are reported, and how."""

from __future__ import annotations

from collections import Counter

from lockwise.testing.data_compare import again_changes, downgrade_losses, upgrade_changes
from lockwise.testing.data_sums import TableSum

USERS = ("public", "users")
ACCOUNTS = ("public", "accounts")


def table(digest: int, **columns: list[int]) -> TableSum:
    return TableSum(3, digest, {name: Counter(values) for name, values in columns.items()})


BEFORE = {USERS: table(1, id=[1, 2, 3], email=[10, 20, 30], status=[7])}


def test_a_renamed_column_is_no_data_loss() -> None:
    after = {USERS: table(2, id=[1, 2, 3], mail=[10, 20, 30], status=[7])}
    assert upgrade_changes(BEFORE, after, {("public", "users", "email")}) == []


def test_a_renamed_table_is_no_data_loss() -> None:
    assert upgrade_changes(BEFORE, {ACCOUNTS: BEFORE[USERS]}, set()) == []


def test_a_dropped_table_with_rows_is_data_loss_that_does_not_fail() -> None:
    assert upgrade_changes(BEFORE, {}, set()) == [
        ("ok", "data loss: the upgrade drops table users, which held 3 rows")
    ]


def test_values_changed_in_a_column_the_revision_alters_are_not_reported() -> None:
    after = {USERS: table(2, id=[1, 2, 3], email=[11, 21, 31], status=[7])}
    assert upgrade_changes(BEFORE, after, {("public", "users", "email")}) == []


def test_rows_the_downgrade_deletes_are_lost() -> None:
    down = {USERS: TableSum(1, 3, {"id": Counter([1])})}
    assert downgrade_losses(BEFORE, BEFORE, down) == [
        ("lost", "table users: the downgrade leaves 1 of the 3 rows it held before the upgrade")
    ]


def test_a_column_the_upgrade_dropped_is_not_lost_again_by_the_downgrade() -> None:
    up = {USERS: table(2, id=[1, 2, 3], status=[7])}
    down = {USERS: table(3, id=[1, 2, 3], email=[], status=[7])}
    assert downgrade_losses(BEFORE, up, down) == []


def test_values_that_differ_after_upgrading_again_are_changed() -> None:
    again = {USERS: table(2, id=[1, 2, 3], email=[10, 20, 30], status=[8])}
    assert again_changes(BEFORE, again, set()) == [
        ("changed", "column users.status: 1 of its 1 values differ after upgrading again")
    ]


def test_rows_the_upgrade_deleted_are_not_lost_again_by_the_downgrade() -> None:
    # optuna's v3.0.0.b deletes trial_values rows without a value; its downgrade
    # cannot bring them back, and is not to blame for them.
    up = {USERS: TableSum(2, 4, {"id": Counter([1, 2]), "email": Counter([10, 20])})}
    down = {USERS: TableSum(2, 5, {"id": Counter([1, 2]), "email": Counter([10, 20])})}
    assert downgrade_losses(BEFORE, up, down) == []


def test_the_downgrade_still_loses_values_of_rows_the_upgrade_kept() -> None:
    up = {USERS: TableSum(2, 4, {"id": Counter([1, 2]), "email": Counter([10, 20])})}
    down = {USERS: TableSum(2, 5, {"id": Counter([1, 2]), "email": Counter()})}
    assert downgrade_losses(BEFORE, up, down) == [
        (
            "lost",
            "column users.email: held 3 values before the upgrade; none are left after the"
            " downgrade (dropped and re-created empty?)",
        )
    ]
    gone = {USERS: TableSum(1, 6, {"id": Counter([1])})}
    assert downgrade_losses(BEFORE, up, gone) == [
        (
            "lost",
            "table users: the downgrade leaves 1 of the 2 rows it held before the upgrade"
            " and kept through it (1 the upgrade deleted)",
        )
    ]
