"""`citebot discord`: check the token, point discord.py at its servers, load the index, run the bot
until interrupted."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import yarl

from bot.config import Settings
from bot.discord_app.app import CiteBot
from bot.discord_app.feedback import FeedbackLog
from bot.discord_app.services import Services, open_retriever
from bot.errors import ConfigError, NetworkError
from bot.retrieval.retriever import Retriever

MISSING_TOKEN = "DISCORD_TOKEN is not set; put the bot's token in the environment or in a .env file."
REJECTED_TOKEN = (
    "Discord rejected the token in DISCORD_TOKEN; copy a fresh one from the Developer Portal (Bot, Reset Token)."
)


def run(settings: Settings) -> int:
    """Connect with the token from the settings and answer until interrupted; 0 when stopped."""
    if not settings.discord_token:
        raise ConfigError(MISSING_TOKEN)
    FeedbackLog(settings.feedback_path).check()  # before loading anything: at start-up, not at the first press
    discord.utils.setup_logging()
    asyncio.run(serve(open_retriever(settings), settings))
    return 0


def point_at(settings: Settings) -> None:
    """Talk to the Discord-compatible server in DISCORD_API_BASE / DISCORD_GATEWAY_URL, if set.

    These are discord.py's own module-wide endpoints: set them once, before any bot is created.
    """
    if settings.discord_api_base:
        if not settings.discord_api_base.startswith(("http://", "https://")):
            raise ConfigError("DISCORD_API_BASE must be an http(s) URL such as http://127.0.0.1:8080/api/v10.")
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        if not settings.discord_gateway_url.startswith(("ws://", "wss://")):
            raise ConfigError("DISCORD_GATEWAY_URL must be a ws(s) URL such as ws://127.0.0.1:8080/gateway.")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def serve(retriever: Retriever, settings: Settings, *, guild_ready_timeout: float = 2.0) -> None:
    """Run a CiteBot on `retriever` until it is closed; ConfigError if the token is missing or refused."""
    if not settings.discord_token:
        raise ConfigError(MISSING_TOKEN)
    point_at(settings)
    services = Services.from_settings(settings)
    async with CiteBot(retriever, settings, services=services, guild_ready_timeout=guild_ready_timeout) as bot:
        try:
            await bot.start(settings.discord_token.reveal())
        except discord.LoginFailure:
            raise ConfigError(REJECTED_TOKEN) from None
        except (aiohttp.ClientConnectionError, OSError) as exc:  # the login request found no server
            raise NetworkError(
                f"Could not reach Discord at {discord.http.Route.BASE} ({exc}); check the network connection"
                " (and DISCORD_API_BASE, if set)."
            ) from None
