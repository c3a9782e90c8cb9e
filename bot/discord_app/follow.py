"""Following the index a database serves: when another process publishes a new generation (a /reindex
on another shard, `citebot index` on another machine), the bot opens it before its next answer.

Answers already running keep the retriever they started with, so they finish on the old generation
(which stays in the database while this process holds it: see bot/index/postgres/generations.py).
With the index in files there is nothing to follow: /reindex swaps it within its own process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from bot.index.open import published_version, version_of

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

log = logging.getLogger(__name__)
CHECK_EVERY = 1.0  # seconds: at most one `SELECT generation` per second, however many questions arrive


class IndexFollower:
    def __init__(self, bot: CiteBot, check_every: float = CHECK_EVERY) -> None:
        self.bot = bot
        self.check_every = check_every
        self._checked = -float("inf")
        self._switching = asyncio.Lock()

    async def follow(self) -> None:
        """Swap in the generation the database serves now, if it is not the bot's (checked at most every
        `check_every` seconds; a failed check is logged and the bot answers from what it has)."""
        config = self.bot.settings.retrieval
        if config.database is None or time.monotonic() - self._checked < self.check_every:
            return
        self._checked = time.monotonic()
        try:
            published = await asyncio.to_thread(published_version, config.database)
            if published is None or published == version_of(self.bot.retriever.index):
                return
            async with self._switching:  # one opener; the others wait and find it done
                if published != version_of(self.bot.retriever.index):
                    from bot.discord_app.services import open_retriever

                    self.bot.retriever = await asyncio.to_thread(open_retriever, self.bot.settings)
                    log.info("now answering from index generation %s", published)
        except Exception:
            log.exception("could not check the index generation; answering from the current one")
