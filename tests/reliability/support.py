"""Helpers for the reliability probes: small corpora, the CLI in another process, one-line error checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from tests.support import REPO, make_settings

TOPICS = ("ramen", "volcanoes", "tides", "bees", "glaciers", "comets")


def write_corpus(root: Path, documents: int = 6, paragraphs: int = 4) -> Settings:
    """A corpus of small documents under root/corpus; settings for it and root/index."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for number in range(documents):
        topic = TOPICS[number % len(TOPICS)]
        body = "\n\n".join(
            f"Paragraph {p} about {topic} number {number}. The {topic} are studied closely in spring. "
            f"Researchers measured {p * 7 + number} samples of {topic} and wrote a report."
            for p in range(paragraphs)
        )
        (corpus / f"{topic}-{number}.md").write_text(f"# {topic.title()} {number}\n\n{body}\n", encoding="utf-8")
    return make_settings(root)


def worker(settings: Settings, *args: str, user: int | None = None, **env: str) -> subprocess.Popen[str]:
    """The command line (with the fake encoder) in another process, on `settings`' corpus and index."""
    argv = [sys.executable, "-m", "tests.reliability.worker"]
    argv += ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CITEBOT_", "DISCORD_"))}
    environ.update(env, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        argv, cwd=settings.corpus_dir.parent, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def one_line_error(code: int, err: str) -> bool:
    """A refusal as promised: a non-zero exit, and an `error:` line with no traceback."""
    return code != 0 and "Traceback" not in err and any(line.startswith("error: ") for line in err.splitlines())
