"""Argument parsing and the one place where domain errors become a friendly line and an exit code.

Each command's module is imported only when it runs, so `--help` starts instantly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.cli.environment import Environment, ExitStatus, log_lines
from bot.config import Settings
from bot.errors import CitebotError
from bot.retrieval.mode import Mode

COMMANDS = {
    "ask": "bot.cli.ask",
    "index": "bot.cli.index",
    "info": "bot.cli.info",
    "discord": "bot.cli.discord",
    "eval": "bot.cli.evaluate",
    "calibrate": "bot.cli.calibrate",
}


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def add_mode_option(parser: argparse.ArgumentParser, everything: bool = False) -> None:
    """`--mode`, its choices taken from bot.retrieval.ranking.Mode (plus "all" where every mode is scored)."""
    modes = [mode.value for mode in Mode]
    if everything:
        parser.add_argument(
            "--mode", choices=[*modes, "all"], default="all", help="mode to score (default: all three, hybrid last)"
        )
    else:
        parser.add_argument("--mode", choices=modes, help="retrieval mode (CITEBOT_MODE, default hybrid)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citebot",
        description="Answer questions about a folder of documents by quoting cited passages.",
        epilog="Settings also come from CITEBOT_* environment variables and a .env file; see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"citebot {__version__}")
    parser.add_argument(
        "--corpus", type=Path, metavar="DIR", help="documents folder (CITEBOT_CORPUS_DIR, default corpus)"
    )
    parser.add_argument("--index", type=Path, metavar="DIR", help="index folder (CITEBOT_INDEX_DIR, default index)")
    parser.add_argument("--model", metavar="NAME", help="sentence-transformers name or path (CITEBOT_MODEL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = sub.add_parser(
        "ask",
        help="answer a question with cited passages",
        description="Answer a question "
        "with cited passages. With no question, read questions one per line from standard input.",
    )
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions interactively or from a pipe")
    ask.add_argument("-k", type=positive_int, metavar="K", help="how many passages to show (CITEBOT_TOP_K, default 3)")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per question) instead of text")
    add_mode_option(ask)

    index = sub.add_parser(
        "index",
        help="build or refresh the index from the corpus",
        description="Build or refresh the index. Only new or changed documents are embedded again.",
    )
    index.add_argument("--full", action="store_true", help="rebuild everything from scratch")

    sub.add_parser(
        "info",
        help="show what the index holds and whether it is current",
        description="Show what the index holds: documents, passages, model, build time, freshness.",
    )
    discord = sub.add_parser(
        "discord",
        help="run the Discord bot (needs DISCORD_TOKEN)",
        description="Run the Discord bot. The token comes from DISCORD_TOKEN (environment or .env). "
        "To spread the bot over processes, give each the same --shard-count and its own --shard-ids, "
        "and the same CITEBOT_DATABASE_URL.",
    )
    discord.add_argument(
        "--shard-count",
        type=positive_int,
        metavar="N",
        help="shards in all processes together (CITEBOT_DISCORD_SHARD_COUNT; default: Discord's recommendation)",
    )
    discord.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="the shards this process runs, e.g. 0,1 (CITEBOT_DISCORD_SHARD_IDS; default: all)",
    )

    evaluate = sub.add_parser(
        "eval",
        help="score retrieval on a BEIR-format dataset",
        description="Score citebot's pipeline on a BEIR folder (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv).",
    )
    evaluate.add_argument("dataset", type=Path, metavar="DATASET_DIR")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    add_mode_option(evaluate, everything=True)
    evaluate.add_argument(
        "-k", type=positive_int, default=100, metavar="K", help="passages retrieved per query (default 100)"
    )
    evaluate.add_argument("--split", default="test", help="qrels split (default test)")
    evaluate.add_argument("--limit", type=positive_int, metavar="N", help="score only the first N queries")
    evaluate.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="keep the corpus and index here (reused incrementally by the next run)",
    )
    calibrate = sub.add_parser(
        "calibrate",
        help="choose the confidence threshold from a question set",
        description="Ask a set of questions (some answerable, with the text expected first; some not) and report "
        "how many each threshold handles right, the best one (CITEBOT_MIN_SCORE) and every miss. "
        "Example: tests/data/article_questions.json.",
    )
    calibrate.add_argument(
        "questions",
        type=Path,
        metavar="QUESTIONS.json",
        help='{"answerable": [{"question": ..., "expect": text of the passage that answers it}], '
        '"unanswerable": [{"question": ..., "why": a category}]}',
    )
    calibrate.add_argument("--json", action="store_true", help="print one JSON object")
    add_mode_option(calibrate)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment (and .env) first, then the options given on the command line."""
    overrides = {
        "corpus_dir": args.corpus,
        "index_dir": args.index,
        "model": args.model,
        "top_k": getattr(args, "k", None) if args.command == "ask" else None,
        "mode": getattr(args, "mode", None) if args.command in ("ask", "calibrate") else None,
        "discord_shard_count": getattr(args, "shard_count", None),
        "discord_shard_ids": getattr(args, "shard_ids", None),
    }
    return Settings.from_env().with_values(overrides)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    environment = Environment()
    try:
        settings = settings_from(args)
        command = importlib.import_module(COMMANDS[args.command])
        with log_lines(environment):
            return int(command.run(args, settings))
    except CitebotError as exc:
        environment.error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted.", file=environment.stderr)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`citebot ask ... | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return ExitStatus.PIPE_CLOSED
