"""The rule texts and pages name only commands `lockwise` has: "`lockwise <command>`"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import click

from lockwise import cli, docs, rules
from lockwise.rules import RULES, Rule

# "`lockwise review --fix`", "`lockwise db start`": the words after `lockwise`, in backticks.
MENTION = re.compile(r"`lockwise((?: [a-z][a-z0-9_-]*)+)")


def named_commands(text: str) -> Iterator[tuple[str, ...]]:
    """The words after each backticked `lockwise`, e.g. ("db", "start")."""
    for match in MENTION.finditer(text):
        yield tuple(match.group(1).split())


def exists(words: tuple[str, ...], group: click.Group = cli.cli) -> bool:
    """True when the first word is a command of `group` (and the next a subcommand of it)."""
    command = group.commands.get(words[0])
    if isinstance(command, click.Group) and len(words) > 1:
        return exists(words[1:], command)
    return command is not None


def offenders(text: str) -> list[str]:
    return sorted({f"lockwise {' '.join(w)}" for w in named_commands(text) if not exists(w)})


def rule_texts(rule: Rule) -> str:
    """What a rule says once built: its fields and its examples."""
    examples = [value for example in (*rule.bad, *rule.good) for value in asdict(example).values()]
    return "\n".join(
        str(text) for text in (rule.summary, rule.blocks, rule.why, rule.fix, *examples)
    )


def test_a_mention_of_a_missing_command_is_found() -> None:
    text = "`lockwise deploy` sets it; `lockwise db start` and `lockwise db nap` do not"
    assert offenders(text) == ["lockwise db nap", "lockwise deploy"]


def test_mentions_of_real_commands_and_their_arguments_pass() -> None:
    text = "`lockwise explain LW207`, `lockwise review --fix` and `lockwise db psql -c x`"
    assert offenders(text) == []


def test_rule_modules_name_only_real_commands() -> None:
    """Every string of the rule package, messages built by `check` included."""
    found = {
        path.name: bad
        for path in sorted(Path(rules.__file__).parent.glob("*.py"))
        if (bad := offenders(path.read_text()))
    }
    assert found == {}, f"rule modules name commands lockwise lacks: {found}"


def test_rule_texts_name_only_real_commands() -> None:
    found = {rule.id: bad for rule in RULES if (bad := offenders(rule_texts(rule)))}
    assert found == {}, f"rule texts name commands lockwise lacks: {found}"


def test_generated_pages_name_only_real_commands() -> None:
    pages = {rule.name: docs.rule_page(rule) for rule in RULES} | {"README": docs.index_page()}
    found = {name: bad for name, page in pages.items() if (bad := offenders(page))}
    assert found == {}, f"docs/rules/ names commands lockwise lacks: {found}"
