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
from bot.cli.options import add_json_option, add_k_option, add_mode_option, positive_int
from bot.config import Settings
from bot.errors import CitebotError, ConfigError

COMMANDS = {
    "ask": "bot.cli.ask",
    "index": "bot.cli.index",
    "info": "bot.cli.info",
    "discord": "bot.cli.discord",
    "eval": "bot.cli.evaluate",
    "calibrate": "bot.cli.calibrate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citebot",
        description="Answer questions about a folder of documents by quoting cited passages.",
        epilog="Settings also come from CITEBOT_* environment variables and a .env file; see README.md.",
    )
    parser.add_argument("--version", action="version", version=f"citebot {__version__}")
    parser.add_argument("--corpus", metavar="DIR", help="documents folder (CITEBOT_CORPUS_DIR, default corpus)")
    parser.add_argument("--index", metavar="DIR", help="index folder (CITEBOT_INDEX_DIR, default index)")
    parser.add_argument("--model", metavar="NAME", help="sentence-transformers name or path (CITEBOT_MODEL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = sub.add_parser(
        "ask",
        help="answer a question with cited passages",
        description="Answer a question "
        "with cited passages. With no question, read questions one per line from standard input.",
    )
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions interactively or from a pipe")
    add_k_option(ask, "how many passages to show (CITEBOT_TOP_K, default 3)")
    add_json_option(ask, "print JSON (one object per question) instead of text")
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
    add_json_option(evaluate)
    add_mode_option(evaluate, everything=True)
    add_k_option(evaluate, "passages retrieved per query (default 100)", default=100)
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
    add_json_option(calibrate)
    add_mode_option(calibrate)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment (and .env) first, then the options given on the command line."""
    overrides = {
        "corpus_dir": folder_option("--corpus", args.corpus),
        "index_dir": folder_option("--index", args.index),
        "model": args.model,
        "top_k": getattr(args, "k", None) if args.command == "ask" else None,
        "mode": getattr(args, "mode", None) if args.command in ("ask", "calibrate") else None,
        "discord_shard_count": getattr(args, "shard_count", None),
        "discord_shard_ids": getattr(args, "shard_ids", None),
    }
    return Settings.from_env().with_values(overrides)


def folder_option(option: str, value: str | None) -> Path | None:
    """A folder given on the command line; an empty one (an unset shell variable) is refused, not taken as '.'."""
    if value is None:
        return None
    if not value.strip():
        raise ConfigError(f"{option} is empty (an unset shell variable?); give a folder, e.g. {option} DIR.")
    return Path(value)


def main(argv: Sequence[str] | None = None, environment: Environment | None = None) -> int:
    """Run one command; return the process exit code. `environment` gives the streams (default: the process's)."""
    args = build_parser().parse_args(argv)
    environment = environment or Environment()
    try:
        settings = settings_from(args)
        command = importlib.import_module(COMMANDS[args.command])
        with log_lines(environment):
            return int(command.run(args, settings, environment))
    except CitebotError as exc:
        environment.error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        environment.err("interrupted.")
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`citebot ask ... | head`): stop quietly, as Unix tools do
        if environment.stdout is sys.stdout:  # no second error when Python flushes it at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.PIPE_CLOSED
