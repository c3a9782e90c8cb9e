"""/status: what the index holds and when it was built."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import escape_markdown, format_dt

from bot.discord_app.render import shorten
from bot.discord_app.respond import NO_PINGS
from bot.records import IndexInfo

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

FIELD_MAX = 1024


def built(when: str) -> str:
    """A build time as Discord shows it in each reader's time zone, with "x hours ago"."""
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return when
    return f"{format_dt(moment, 'f')} ({format_dt(moment, 'R')})"


def status_embed(info: IndexInfo, titles: list[str]) -> discord.Embed:
    embed = discord.Embed(title="What I can quote from", colour=discord.Colour.blurple())
    embed.add_field(name="Documents", value=f"{info.documents:,}")
    embed.add_field(name="Passages", value=f"{info.passages:,}")
    embed.add_field(name="Built", value=built(info.built_at))
    embed.add_field(name="Model", value=shorten(escape_markdown(info.model), FIELD_MAX), inline=False)
    if titles:
        listed = "\n".join(f"• {escape_markdown(title)}" for title in sorted(titles))
        embed.add_field(name="Sources", value=shorten(listed, FIELD_MAX), inline=False)
    if info.stale:
        reason = info.stale_reason or "the documents changed since it was built"
        value = f"The index may be out of date: {reason}. An administrator can run /reindex."
        embed.add_field(name="Out of date", value=shorten(escape_markdown(value), FIELD_MAX), inline=False)
    return embed


class Status(commands.Cog):
    def __init__(self, bot: CiteBot) -> None:
        self.bot = bot

    @app_commands.command()
    async def status(self, interaction: discord.Interaction[CiteBot]) -> None:
        """Show which documents I answer from and when the index was built."""
        retriever = self.bot.retriever
        titles = [document.title for document in retriever.documents.values()]
        embed = status_embed(retriever.info, titles)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: CiteBot) -> None:
    await bot.add_cog(Status(bot))
