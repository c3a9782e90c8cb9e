"""`citebot discord`: run the Discord bot (DISCORD_TOKEN from the environment or .env)."""

from __future__ import annotations

import argparse

from bot.config import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.main import run as run_bot

    return run_bot(settings)
