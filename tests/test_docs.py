"""The README documents the whole interface: every command, every option, every setting
(as sqlite-utils' tests/test_docs.py checks its docs against its CLI)."""

from __future__ import annotations

import argparse
import re

import pytest

from bot.cli.main import COMMANDS, build_parser
from bot.config import ENV_VARS
from tests.support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def options(parser: argparse.ArgumentParser) -> list[str]:
    """The option strings of `parser` but --help, which every command has."""
    return [name for action in parser._actions for name in action.option_strings if name not in ("-h", "--help")]


def mentioned(word: str) -> bool:
    """`word` in the README as itself, not as part of a longer name (`-k` is not in `--kind`)."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", README) is not None


def test_every_command_is_in_the_commands_table() -> None:
    assert set(subcommands()) == set(COMMANDS)
    for command in COMMANDS:
        assert re.search(rf"^\| `{command}\b", README, re.M), command


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_of_every_command_is_documented(command: str) -> None:
    missing = [option for option in options(subcommands()[command]) if not mentioned(option)]
    assert missing == [], f"README.md does not mention {missing} of `citebot {command}`"


def test_every_global_option_is_documented() -> None:
    assert [option for option in options(build_parser()) if not mentioned(option)] == []


@pytest.mark.parametrize("variable", sorted(ENV_VARS.values()))
def test_every_setting_is_in_the_configuration_table(variable: str) -> None:
    assert re.search(rf"^\| `{variable}` \|", README, re.M), variable


def test_the_readme_points_at_nothing_outside_the_repository() -> None:
    assert "DESIGN.md" not in README
    for source in (REPO / "bot").rglob("*.py"):
        assert "DESIGN.md" not in source.read_text(encoding="utf-8"), source
