"""The rule pages of `docs/rules/`, generated from the rule modules; `python -m lockwise.docs`.

`tests/test_docs.py` fails when a page drifts from its rule; run this module to regenerate.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from lockwise.rules import RULES, Rule
from lockwise.rules.base import Example

FOLDER = Path(__file__).parents[2] / "docs" / "rules"
INDEX = "README.md"

_DOCS = "https://www.postgresql.org/docs/current"
# Pages beyond explicit-locking, chosen by a word of the rule's name.
_REFERENCES = (
    (("index",), f"{_DOCS}/sql-createindex.html"),
    (("not-valid", "validate", "column", "partition"), f"{_DOCS}/sql-altertable.html"),
    (("drop-table",), f"{_DOCS}/sql-droptable.html"),
    (("timeout",), f"{_DOCS}/runtime-config-client.html"),
)


def rule_page(rule: Rule) -> str:
    """Return a rule's documentation page, in Markdown, with ruff's headings."""
    sections = [
        f"# {rule.id} {rule.name}",
        _what_it_does(rule),
        f"## Why it is bad\n\n{rule.why}",
        _example(rule),
        _use_instead(rule),
        _equivalents(rule),
        "## References\n\n" + "\n".join(f"- <{url}>" for url in references(rule)),
    ]
    return "\n\n".join(sections) + "\n"


def references(rule: Rule) -> list[str]:
    """The PostgreSQL documentation pages a rule's page links to."""
    urls = [f"{_DOCS}/explicit-locking.html"]
    for words, url in _REFERENCES:
        if any(word in rule.name for word in words) and url not in urls:
            urls.append(url)
    return urls


def rules_table() -> list[tuple[str, str, str, str]]:
    """Every rule as (id, name, severity, summary), for `lockwise rules`."""
    return [(rule.id, rule.name, rule.severity, rule.summary) for rule in RULES]


def index_page() -> str:
    """The `docs/rules/README.md` index: one row per rule, linking to its page."""
    rows = [
        f"| {id_} | [{name}]({name}.md) | {severity} | {_cell(summary)} |"
        for id_, name, severity, summary in rules_table()
    ]
    return "\n".join(
        [
            "# Rules",
            "",
            "Generated from `src/lockwise/rules/` by `python -m lockwise.docs`; do not edit.",
            "",
            "| id | name | severity | summary |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )


def write_pages(folder: Path = FOLDER) -> list[Path]:
    """Write one page per rule and the index into `folder`; remove pages of removed rules.

    Returns:
        The files written, the index last.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in RULES:
        path = folder / f"{rule.name}.md"
        path.write_text(rule_page(rule))
        written.append(path)
    _remove_stale(folder, keep=set(written))
    index = folder / INDEX
    index.write_text(index_page())
    return [*written, index]


def main() -> None:
    """Regenerate `docs/rules/` of this repository."""
    for path in write_pages(FOLDER):
        print(path)


def _what_it_does(rule: Rule) -> str:
    lines = [
        "## What it does",
        "",
        f"Flags {_lowercase_first(rule.summary)}.",
        "",
        f"- Severity: {rule.severity} (`[tool.lockwise]` may override it).",
        f"- Lock: {f'`{rule.lock}`' if rule.lock else 'none of its own'}.",
        f"- Blocks: {rule.blocks}.",
    ]
    if rule.versions:
        lines.append(f"- PostgreSQL versions: {rule.versions}.")
    return "\n".join(lines)


# Where review finds a rule that no single migration's statements show (`Rule.scope`).
_FOUND_IN = {
    "file": "the text of the migration file",
    "history": "the revision graph, not in any one migration",
    "manifest": "the revision files against the checksums in lockwise.sum",
}


def _example(rule: Rule) -> str:
    if not rule.bad:
        return f"## Example\n\nReview finds it in {_FOUND_IN.get(rule.scope, rule.scope)}."
    bad = rule.bad[0]
    parts = ["## Example"]
    if bad.setup:
        parts += ["Given this schema, from an earlier revision:", _fenced("sql", bad.setup)]
    parts += ["This migration is flagged:", _fenced("python", _migration(bad))]
    return "\n\n".join(parts)


def _use_instead(rule: Rule) -> str:
    # a history or manifest rule's fix is commands (alembic merge), the others' Alembic code
    commands = rule.scope in ("history", "manifest")
    parts = ["## Use instead", _fenced("shell" if commands else "python", rule.fix)]
    if rule.good:
        good = rule.good[0]
        if good.setup and good.setup != rule.bad[0].setup:
            parts += ["Given this schema:", _fenced("sql", good.setup)]
        parts += ["For example, this migration passes:", _fenced("python", _migration(good))]
    return "\n\n".join(parts)


def _equivalents(rule: Rule) -> str:
    if not rule.aliases:
        return "## Equivalents\n\nNo equivalent check in squawk or strong_migrations."
    rows = [
        f"| {tool} | {', '.join(f'`{name}`' for name in names.split(', '))} |"
        for tool, names in sorted(rule.aliases.items())
    ]
    return "\n".join(["## Equivalents", "", "| tool | check |", "| --- | --- |", *rows])


def _migration(example: Example) -> str:
    return "def upgrade() -> None:\n" + textwrap.indent(example.upgrade, "    ")


def _lowercase_first(phrase: str) -> str:
    """`A statement` reads as `a statement` after "Flags"; `ALTER TABLE` stays as it is."""
    if len(phrase) > 1 and phrase[0].isupper() and not phrase[1].isupper():
        return phrase[0].lower() + phrase[1:]
    return phrase


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _fenced(language: str, code: str) -> str:
    return f"```{language}\n{code.strip()}\n```"


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Delete rule pages (they start with `# LWnnn `) whose rule no longer exists."""
    for path in folder.glob("*.md"):
        if path not in keep and path.name != INDEX and _is_rule_page(path):
            path.unlink()


def _is_rule_page(path: Path) -> bool:
    return re.match(r"# LW\d+ ", path.read_text()) is not None


if __name__ == "__main__":
    main()
