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
