"""`citebot index [--full]`: build or refresh the index."""

from __future__ import annotations

import argparse

from bot.cli.progress import progress_bar
from bot.config import Settings
from bot.index.builder import build_index


def run(args: argparse.Namespace, settings: Settings) -> int:
    report = build_index(settings.indexing, full=args.full, progress=progress_bar)
    print(report.summary())
    return 0
