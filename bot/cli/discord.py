"""`citebot discord`: run the Discord bot (DISCORD_TOKEN from the environment or .env)."""

from __future__ import annotations

import argparse

from bot.cli.environment import Environment
from bot.config import Settings


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
    from bot.discord_app.main import run as run_bot

    return run_bot(settings)
