"""Slash-command errors become one private sentence for the user and a log entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_app.respond import explain, send_private

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot


class Refused(app_commands.CheckFailure):
    """A command's check said no; the message is the sentence the user sees."""


class CiteTree(app_commands.CommandTree["CiteBot"]):
    async def on_error(self, interaction: discord.Interaction[CiteBot], error: app_commands.AppCommandError) -> None:
        where = f"/{interaction.command.name}" if interaction.command else "a slash command"
        if isinstance(error, app_commands.CommandInvokeError):
            await send_private(interaction, explain(error.original, where))
        elif isinstance(error, Refused):
            await send_private(interaction, str(error))
        elif isinstance(error, app_commands.CheckFailure):
            await send_private(interaction, "You can't use this command here.")
        else:
            await send_private(interaction, explain(error, where))
