"""Fixtures for driving the real CiteBot against the fake Discord.

A test module imports the fixture functions it uses (they are named `*_fixture`, so the
fixture names its tests ask for do not shadow an import). The index is the
session-scoped article index of tests/conftest.py, built once with the real model.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from bot.discord_app.app import CiteBot
from bot.models import Answer
from bot.retriever import Retriever
from bot.settings import Settings
from tests.fake_discord import FakeDiscord, Request
from tests.fake_discord.client import logged_in

TOKEN = "fake-token"
QUESTION = "Who did Hegseth meet in Tokyo?"


@pytest.fixture(name="anyio_backend")
def anyio_backend_fixture() -> str:
    return "asyncio"


@pytest.fixture(name="fake")
async def fake_fixture(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A fresh fake Discord; discord.py's endpoints (which CiteBot repoints) are restored afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=TOKEN, heartbeat_interval=1.0) as server:
        yield server
        assert server.unknown_routes == []


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


def running(retriever: Retriever, settings: Settings) -> AbstractAsyncContextManager[CiteBot]:
    """A CiteBot logged in to the fake and past on_ready (its commands synced); closed afterwards."""
    assert settings.discord_token is not None
    return logged_in(CiteBot(retriever, settings, guild_ready_timeout=0.05), settings.discord_token, timeout=10)


@pytest.fixture(name="citebot")
async def citebot_fixture(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> AsyncIterator[CiteBot]:
    """The bot on the session's article index, with default settings (no cooldown)."""
    async with running(article_retriever, discord_settings(article_settings, fake, tmp_path)) as bot:
        yield bot


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
