"""The rule pages in `docs/rules/` are generated from the rule modules and must not drift."""

from __future__ import annotations

from pathlib import Path

from lockwise import docs
from lockwise.rules import RULES

FOLDER = Path(__file__).parents[1] / "docs" / "rules"
REGENERATE = "docs/rules/ is out of date: run `python -m lockwise.docs`"


def test_rule_pages_are_up_to_date() -> None:
    for rule in RULES:
        page = FOLDER / f"{rule.name}.md"
        assert page.is_file(), f"{page.name} is missing; {REGENERATE}"
        assert page.read_text() == docs.rule_page(rule), f"{page.name} drifted; {REGENERATE}"


def test_rule_index_lists_every_rule() -> None:
    index = (FOLDER / "README.md").read_text()
    assert index == docs.index_page(), REGENERATE
    for rule in RULES:
        assert f"| {rule.id} | [{rule.name}]({rule.name}.md) |" in index, rule.id


def test_generated_folder_is_the_repository_docs() -> None:
    assert docs.FOLDER.resolve() == FOLDER.resolve()


def test_every_page_has_rule_page_headings() -> None:
    headings = ["What it does", "Why it is bad", "Example", "Use instead", "References"]
    for rule in RULES:
        page = docs.rule_page(rule)
        assert page.startswith(f"# {rule.id} {rule.name}\n"), rule.id
        assert all(f"\n## {heading}\n" in page for heading in headings), rule.id


def test_write_pages_removes_the_page_of_a_removed_rule(tmp_path: Path) -> None:
    stale = tmp_path / "renamed-rule.md"
    stale.write_text("# LW999 renamed-rule\n")
    kept = tmp_path / "guide.md"
    kept.write_text("# A hand-written guide\n")
    written = docs.write_pages(tmp_path)
    assert not stale.exists() and kept.exists()
    assert len(written) == len(RULES) + 1 and written[-1].name == "README.md"


def test_rules_table_has_one_row_per_rule() -> None:
    assert [row[0] for row in docs.rules_table()] == [rule.id for rule in RULES]
