"""`citebot index [--full]`: build or refresh the index."""

from __future__ import annotations

import argparse

from bot.cli.environment import Environment, ExitStatus
from bot.config import Settings
from bot.index.open import build


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
    report = build(settings.indexing, full=args.full, progress=environment.progress)
    environment.out(report.summary())
    return ExitStatus.OK
