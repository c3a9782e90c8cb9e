"""Fixtures for driving the real CiteBot against the fake Discord. The index is the session-scoped
article index of tests/conftest.py, built once with the real model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket

from bot.config import Settings
from bot.discord_app.app import CiteBot
from bot.retrieval.retriever import Retriever
from tests.discord.fake_discord import FakeDiscord
from tests.discord.support import TOKEN, discord_settings, running


@pytest.fixture(name="anyio_backend")
def anyio_backend_fixture() -> str:
    return "asyncio"


@pytest.fixture(name="fake")
async def fake_fixture(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A fresh fake Discord; discord.py's endpoints (which `point_at` repoints) are restored afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=TOKEN, heartbeat_interval=1.0) as server:
        yield server
        assert server.unknown_routes == []


@pytest.fixture(name="citebot")
async def citebot_fixture(
    fake: FakeDiscord, article_retriever: Retriever, article_settings: Settings, tmp_path: Path
) -> AsyncIterator[CiteBot]:
    """The bot on the session's article index, with default settings (no cooldown)."""
    async with running(article_retriever, discord_settings(article_settings, fake, tmp_path)) as bot:
        yield bot
