"""/reindex: rebuild the index from the corpus and swap it in without a restart (administrators only)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.respond import send_private
from bot.discord_app.tree import Refused

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

log = logging.getLogger(__name__)
REFUSAL = "Sorry, only server administrators can rebuild the index."
BUSY = "A rebuild is already running; I will use its index as soon as it is done."


def may_reindex(interaction: discord.Interaction[CiteBot]) -> bool:
    """Server administrators, and the owner named in CITEBOT_DISCORD_OWNER_ID anywhere; others are Refused."""
    if interaction.user.id == interaction.client.settings.discord_owner_id:
        return True
    if interaction.guild_id is not None and interaction.permissions.administrator:
        return True
    raise Refused(REFUSAL)


class Reindex(commands.Cog):
    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot

    @app_commands.command()
    @app_commands.default_permissions(administrator=True)
    @app_commands.check(may_reindex)
    @app_commands.describe(full="Embed every document again, not only new and changed ones")
    async def reindex(self, interaction: discord.Interaction[CiteBot], full: bool = False) -> None:
        """Rebuild the index from the documents folder and start using it (administrators only)."""
        if self.bot.rebuilding.locked():
            await send_private(interaction, BUSY)
            return
        async with self.bot.rebuilding:
            await interaction.response.defer(ephemeral=True, thinking=True)
            log.info("rebuilding the index for %s (%s)", interaction.user, "full" if full else "changes only")
            # Questions keep using the old retriever until the new one is assigned.
            summary, self.bot.retriever = await asyncio.to_thread(self.bot.services.rebuild, full)
        log.info("%s", summary)
        await interaction.edit_original_response(content=f"{summary} Answers now come from the new index.")


async def setup(bot: CiteBot) -> None:
    await bot.add_cog(Reindex(bot))
