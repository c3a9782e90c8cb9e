"""Shared test helpers (not fixtures): the seed article, settings for a temp folder, the real model."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from bot.cli.environment import Environment, log_lines
from bot.cli.main import main
from bot.config import Settings
from bot.encoders.sentence_transformer import SentenceTransformerEncoder

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "corpus" / "hegseth-japan-alliance.txt"
DATA = REPO / "tests" / "data"
ARTICLE_QUESTIONS = DATA / "article_questions.json"
ARTICLE_TITLE = "Defense Secretary Hegseth Strengthens US-Japan Alliance Amid China Concerns"


@cache
def reference_encoder() -> SentenceTransformerEncoder:
    """The real all-MiniLM-L6-v2, loaded once per test session (also usable inside hypothesis tests)."""
    return SentenceTransformerEncoder("all-MiniLM-L6-v2")


def make_settings(root: Path, **values: object) -> Settings:
    """Settings for a corpus and index under `root`, ignoring the developer's environment."""
    base = Settings.from_env(environ={}, dotenv=None)
    return base.with_values({"corpus_dir": root / "corpus", "index_dir": root / "index", **values})


def cli(settings: Settings, *args: str) -> int:
    """Run the command line on `settings`' corpus and index; return its exit code."""
    return main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args])


@contextmanager
def cli_log() -> Iterator[list[str]]:
    """Collects the `note: ...` / `warning: ...` lines the command line prints for citebot's log
    records while the block runs (the list is filled when the block ends)."""
    lines: list[str] = []
    stream = io.StringIO()
    try:
        with log_lines(Environment(stderr=stream)):
            yield lines
    finally:
        lines.extend(stream.getvalue().splitlines())
