"""Helpers for driving the real CiteBot against the fake Discord (the fixtures are in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.discord_app.app import CiteBot
from bot.discord_app.main import point_at
from bot.discord_app.services import Services
from bot.records import Answer
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord, Request
from tests.discord.fake_discord.client import logged_in

TOKEN = "fake-token"
QUESTION = "Who did Hegseth meet in Tokyo?"


def discord_settings(base: Settings, fake: FakeDiscord, tmp_path: Path, **values: Any) -> Settings:
    """`base` (corpus and index) plus what the bot needs to reach the fake; no cooldown unless given."""
    return base.with_values(
        {
            "discord_token": TOKEN,
            "discord_api_base": fake.api_base,
            "discord_gateway_url": fake.gateway_url,
            "discord_cooldown_seconds": 0.0,
            "feedback_path": tmp_path / "feedback.jsonl",
            **values,
        }
    )


def running(
    retriever: Retriever, settings: Settings, services: Services | None = None
) -> AbstractAsyncContextManager[CiteBot]:
    """A CiteBot logged in to the fake and past on_ready (its commands synced); closed afterwards.

    discord.py is pointed at the fake as `citebot discord` points it (the `fake` fixture restores it).
    """
    assert settings.discord_token is not None
    point_at(settings)
    bot = CiteBot(retriever, settings, services=services, guild_ready_timeout=0.05)
    return logged_in(bot, settings.discord_token.reveal(), timeout=10)


class SlowRetriever:
    """The real retriever, but each `ask` first waits `delay` seconds (in the asking thread)."""

    def __init__(self, retriever: Retriever, delay: float) -> None:
        self._retriever = retriever
        self.delay = delay
        self.info = retriever.info
        self.documents = retriever.documents

    def ask(self, question: str, k: int | None = None) -> Answer:
        time.sleep(self.delay)
        return self._retriever.ask(question, k)


@asynccontextmanager
async def running_slowly(
    retriever: Retriever, base: Settings, fake: FakeDiscord, tmp_path: Path, *, delay: float, defer_after: float
) -> AsyncIterator[CiteBot]:
    """`running`, but each answer takes `delay` s more, and the bot defers a slash answer after `defer_after` s."""
    slow = SlowRetriever(retriever, delay)
    async with running(slow, discord_settings(base, fake, tmp_path)) as bot:  # type: ignore[arg-type]
        bot.defer_after = defer_after
        yield bot


def posted_to(channel_id: int) -> Callable[[Request], bool]:
    """Matches a bot message created in `channel_id`."""
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"
