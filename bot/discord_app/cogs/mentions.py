"""Questions addressed to the bot by mention (or in a DM), answered as a reply to the message."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_app.gate import thread_parent
from bot.discord_app.replies import answer_question
from bot.discord_app.respond import NO_PINGS, explain
from bot.discord_app.shared import Where

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

HOW_TO_ASK = "Ask me a question after the mention, e.g. `@citebot who met in Tokyo?`, or use /ask."


class Mentions(commands.Cog):
    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot

    def question_in(self, message: discord.Message) -> str | None:
        """The question if `message` is addressed to the bot (a mention in its text, or any DM), else None."""
        me = self.bot.user
        if me is None or message.author.bot:  # never answer bots, least of all ourselves
            return None
        if message.guild is not None and me.id not in message.raw_mentions:
            return None
        return " ".join(re.sub(rf"<@!?{me.id}>", " ", message.content).split())

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        question = self.question_in(message)
        if question is None:
            return
        channel = message.channel
        private = message.guild is None
        refusal = self.bot.gate.place_refusal(channel.id, private=private, parent_id=thread_parent(channel))
        if refusal:
            if private:  # elsewhere, silence: the server chose where the bot talks
                await self.reply(message, refusal)
            return
        if not question:
            await self.reply(message, HOW_TO_ASK)
            return
        refusal = self.bot.gate.cooldown_refusal(message.author.id)
        if refusal:
            await self.reply(message, refusal)
            return
        # "typing…" is a courtesy: sent beside the work, never waited for, and its failure is no error.
        typing = asyncio.ensure_future(channel.typing())
        typing.add_done_callback(lambda task: task.cancelled() or task.exception())
        try:
            where = Where(message.guild.id if message.guild else None, channel.id, message.author.id)
            page, view = await answer_question(self.bot, question, None, where)
        except Exception as exc:  # the edge: one sentence for the user, the rest in the log
            await self.reply(message, explain(exc, "a mention"))
            return
        await message.reply(
            page.content,
            embeds=page.embeds,
            view=view or discord.utils.MISSING,
            mention_author=False,
            allowed_mentions=NO_PINGS,
        )

    async def reply(self, message: discord.Message, text: str) -> None:
        await message.reply(text, mention_author=False, allowed_mentions=NO_PINGS)


async def setup(bot: CiteBot) -> None:
    await bot.add_cog(Mentions(bot))
