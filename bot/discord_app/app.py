"""CiteBot: a commands.Bot that answers from the retriever it is given (and /reindex replaces)."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.discord_app.answers import AnswerCache
from bot.discord_app.buttons import FeedbackButton, MoreButton
from bot.discord_app.follow import IndexFollower
from bot.discord_app.gate import Gate
from bot.discord_app.respond import NO_PINGS
from bot.discord_app.services import Services
from bot.discord_app.shared import Feedback, Where
from bot.discord_app.tree import CiteTree
from bot.index.open import version_of
from bot.records import Answer
from bot.retrieval.retriever import Retriever

log = logging.getLogger(__name__)
EXTENSIONS = ("ask", "mentions", "status", "reindex")  # modules of bot.discord_app.cogs
DEFER_AFTER = 1.5  # seconds of work before an interaction is acknowledged with "thinking…"


def intents() -> discord.Intents:
    """No privileged intent: Discord sends the text of messages that mention the bot, and of DMs."""
    wanted = discord.Intents.none()
    wanted.guilds = wanted.guild_messages = wanted.dm_messages = True
    return wanted


def shards(settings: Settings) -> dict[str, Any]:
    """AutoShardedBot's shard options: none (Discord's recommended count, all in this process), or these."""
    if settings.discord_shard_count is None:
        return {}
    ids = sorted(settings.discord_shard_ids or range(settings.discord_shard_count))
    return {"shard_count": settings.discord_shard_count, "shard_ids": ids}


class CiteBot(commands.AutoShardedBot):
    """citebot on Discord. `retriever` answers questions until /reindex swaps in a new one; `services`
    (default: Services.from_settings) are the rest of what it works with.

    Sharded always (discord.py's AutoShardedBot): as many shards as Discord recommends in one process,
    or the `discord_shard_ids` of `discord_shard_count` when the shards are spread over processes.
    """

    def __init__(
        self,
        retriever: Retriever,
        settings: Settings,
        *,
        services: Services | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: citebot has no text commands
            intents=intents(),
            allowed_mentions=NO_PINGS,
            help_command=None,
            tree_cls=CiteTree,
            owner_id=settings.discord_owner_id,
            guild_ready_timeout=guild_ready_timeout,
            **shards(settings),
        )
        self.retriever = retriever
        self.settings = settings
        self.services = services or Services.from_settings(settings)
        self.rebuilding = asyncio.Lock()
        # As many retrievals at once as there are cores: more only fight over them (and the GIL).
        self.retrievals = asyncio.Semaphore(os.cpu_count() or 2)
        self.defer_after = DEFER_AFTER
        self.follower = IndexFollower(self)  # with a database: serve each newly published generation

    @property
    def gate(self) -> Gate:
        return self.services.gate

    @property
    def answers(self) -> AnswerCache:
        return self.services.answers

    @property
    def feedback(self) -> Feedback:
        return self.services.feedback

    async def setup_hook(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(f"bot.discord_app.cogs.{name}")
        self.add_dynamic_items(FeedbackButton, MoreButton)
        if self.shard_ids is not None and 0 not in self.shard_ids:
            return  # the process holding shard 0 registers the commands, once for all
        synced = await self.tree.sync()
        log.info("synced slash commands: %s", ", ".join(f"/{command.name}" for command in synced))

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """No text commands: the mentions cog answers questions addressed to the bot."""

    async def ask(self, question: str, k: int, where: Where | None = None) -> Answer:
        """Answer from the index current now, in a thread (a rebuild may swap it meanwhile); a new
        question (`where` it was asked) goes in the question log, if there is one."""
        await self.follower.follow()
        async with self.retrievals:
            retriever = self.retriever
            answer = await asyncio.to_thread(retriever.ask, question, k)
        if self.services.questions is not None and where is not None:
            await self.services.questions.record(answer, where, version_of(retriever.index))
        return answer
