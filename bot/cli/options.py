"""Options that several commands share, defined once: `--json`, `--mode`, `-k`."""

from __future__ import annotations

import argparse

from bot.retrieval.mode import Mode


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def add_json_option(parser: argparse.ArgumentParser, help: str = "print one JSON object") -> None:
    """`--json`: machine-readable output instead of text."""
    parser.add_argument("--json", action="store_true", help=help)


def add_mode_option(parser: argparse.ArgumentParser, everything: bool = False) -> None:
    """`--mode`, its choices taken from bot.retrieval.ranking.Mode (plus "all" where every mode is scored)."""
    modes = [mode.value for mode in Mode]
    if everything:
        parser.add_argument(
            "--mode", choices=[*modes, "all"], default="all", help="mode to score (default: all three, hybrid last)"
        )
    else:
        parser.add_argument("--mode", choices=modes, help="retrieval mode (CITEBOT_MODE, default hybrid)")


def add_k_option(parser: argparse.ArgumentParser, help: str, default: int | None = None) -> None:
    """`-k K`: how many passages, a whole number of at least 1."""
    parser.add_argument("-k", type=positive_int, default=default, metavar="K", help=help)
