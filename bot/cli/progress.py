"""Progress bars for long work (tqdm on standard error, shown on a terminal only)."""

from __future__ import annotations

import sys
from collections.abc import Callable


def progress_bar(total: int, description: str) -> Callable[[int], None]:
    """Return a callback advancing a bar by n; the bar closes itself when it reaches `total`."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="passage", file=sys.stderr, disable=None, leave=False)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        bar.update(n)
        if done >= total:
            bar.close()

    return advance
