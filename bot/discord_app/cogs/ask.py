"""/ask: a question answered with cited passages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.gate import thread_parent
from bot.discord_app.replies import PAGE_MAX, answer_question
from bot.discord_app.respond import send, send_private, within_deadline
from bot.discord_app.shared import Where

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot


class Ask(commands.Cog):
    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask")
    @app_commands.describe(question="What you want to know", k=f"How many passages to show (1 to {PAGE_MAX})")
    async def ask(
        self,
        interaction: discord.Interaction[CiteBot],
        question: str,
        k: app_commands.Range[int, 1, PAGE_MAX] | None = None,
    ) -> None:
        """Answer a question with passages quoted from the documents."""
        gate = self.bot.gate
        refusal = gate.place_refusal(
            interaction.channel_id, private=interaction.guild_id is None, parent_id=thread_parent(interaction.channel)
        ) or gate.cooldown_refusal(interaction.user.id)
        if refusal:
            await send_private(interaction, refusal)
            return
        where = Where(interaction.guild_id, interaction.channel_id, interaction.user.id)
        page, view = await within_deadline(
            interaction, answer_question(self.bot, question, k, where), ephemeral=False, after=self.bot.defer_after
        )
        await send(interaction, page, view, ephemeral=False)


async def setup(bot: CiteBot) -> None:
    await bot.add_cog(Ask(bot))
