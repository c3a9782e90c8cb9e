"""The command line's surroundings: its streams, whether they are terminals, colour, exit statuses, and
how the core's log records and errors become `note: ...`, `warning: ...`, `error: ...` lines."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TextIO

from bot.cli.progress import isatty, progress_bar
from bot.errors import CitebotError, Remedy


class ExitStatus(IntEnum):
    """What `citebot` returns to the shell."""

    OK = 0
    ERROR = 1
    BAD_INPUT = 2  # an unusable question
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    PIPE_CLOSED = 141  # the reader went away (128 + SIGPIPE)


# How the terminal words a Remedy: the commands that fix it.
REMEDIES = {
    Remedy.BUILD: "run `citebot index` to build it",
    Remedy.REFRESH: "run `citebot index` to refresh it",
    Remedy.REBUILD: "run `citebot index --full` to rebuild it",
}


@dataclass
class Environment:
    """Where a command reads and writes; tests give their own streams."""

    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def stdin_isatty(self) -> bool:
        return isatty(self.stdin)

    @property
    def stdout_isatty(self) -> bool:
        return isatty(self.stdout)

    @property
    def stderr_isatty(self) -> bool:
        return isatty(self.stderr)

    @property
    def colors(self) -> bool:
        """Styled output on a terminal, unless NO_COLOR is set (https://no-color.org)."""
        return self.stdout_isatty and "NO_COLOR" not in os.environ

    def out(self, text: str = "", *, flush: bool = False) -> None:
        """A line of the command's output, on standard output."""
        print(text, file=self.stdout, flush=flush)

    def err(self, text: str = "") -> None:
        """A line for the person at the terminal (notes, prompts' ends), on standard error."""
        print(text, file=self.stderr)

    def error(self, error: CitebotError) -> None:
        """Print a domain error as one line, with the terminal's remedy."""
        self.err(f"error: {error.sentence(REMEDIES)}")

    def progress(self, total: int, description: str) -> Callable[[int], None]:
        """Progress on long work, on standard error (see bot.cli.progress); the core's `progress` callback."""
        return progress_bar(total, description, self.stderr)


class LineHandler(logging.Handler):
    """Prints the core's log records as `note: ...` (info) or `warning: ...` lines on standard error,
    adding the terminal's wording of a record's remedy."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(logging.INFO)
        self.environment = environment

    def emit(self, record: logging.LogRecord) -> None:
        try:
            prefix = "note" if record.levelno < logging.WARNING else "warning"
            message = record.getMessage()
            remedy = getattr(record, "remedy", None)
            if isinstance(remedy, Remedy):
                message = f"{message}; {REMEDIES[remedy]}."
            self.environment.err(f"{prefix}: {message}")
        except Exception:  # a logging handler must never raise
            self.handleError(record)


@contextmanager
def log_lines(environment: Environment) -> Iterator[None]:
    """While the block runs, citebot's own log records (the `bot` logger) go to `environment` as
    one-line notes and warnings, and nowhere else."""
    logger = logging.getLogger("bot")
    handler = LineHandler(environment)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
