"""Progress on long work, on standard error: a tqdm bar on a terminal, a line per tenth elsewhere
(CI logs, `2> build.log`), so that a long build never looks hung."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

LOG_MIN_TOTAL = 1000  # below this many texts the work takes seconds: no log lines
LOG_EVERY_SECONDS = 15.0  # and a line at least this often, so that long work shows progress from the start


def isatty(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (False for a closed or fake one)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


def progress_bar(total: int, description: str, stream: TextIO | None = None) -> Callable[[int], None]:
    """Return a callback advancing the progress by n on `stream` (default standard error); a bar closes
    itself when it reaches `total`."""
    stream = stream or sys.stderr
    if not isatty(stream):
        return progress_lines(total, description, stream) if total >= LOG_MIN_TOTAL else lambda n: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="text", file=stream, leave=False)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if done >= total:
            bar.close()

    return advance


def progress_lines(total: int, description: str, stream: TextIO) -> Callable[[int], None]:
    """A callback printing `description: 30% (300/1,000 texts, 12 s)` each time another tenth is done,
    and at least every LOG_EVERY_SECONDS while work goes on (nothing for work under LOG_MIN_TOTAL texts)."""
    started = last = time.perf_counter()
    done = 0
    printed = 0  # tenths reported so far

    def advance(n: int) -> None:
        nonlocal done, printed, last
        done += n
        tenths = min(10, done * 10 // total)
        now = time.perf_counter()
        if tenths > printed or now - last >= LOG_EVERY_SECONDS:
            percent = tenths * 10 if tenths > printed else done * 100 // total
            printed, last = tenths, now
            print(f"{description}: {percent}% ({done:,}/{total:,} texts, {now - started:.0f} s)", file=stream)

    return advance
