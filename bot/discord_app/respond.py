"""Answering an interaction: within Discord's 3-second deadline, without pinging, errors in one sentence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord

from bot.discord_app.render import Page
from bot.errors import BadQuestion, CitebotError

log = logging.getLogger(__name__)
T = TypeVar("T")
NO_PINGS = discord.AllowedMentions.none()
UNEXPECTED = "Something went wrong while answering; the error has been logged."


async def within_deadline(
    interaction: discord.Interaction[Any], work: Awaitable[T], *, ephemeral: bool, after: float
) -> T:
    """Await `work`; if it is not done `after` seconds after the interaction was created (not after
    this handler started: under load it may start late), acknowledge ("thinking…") first. If the
    acknowledgement fails, the work is cancelled: nobody could receive its answer."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), max(0.0, after - age))
    except TimeoutError:
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException:
            task.cancel()
            raise
        return await task


async def send(
    interaction: discord.Interaction[Any], page: Page, view: discord.ui.View | None, *, ephemeral: bool
) -> None:
    """Send `page` as the response, or as the edit of the "thinking…" message if it was deferred."""
    if interaction.response.is_done():
        await interaction.edit_original_response(
            content=page.content, embeds=page.embeds, view=view, allowed_mentions=NO_PINGS
        )
    else:
        await interaction.response.send_message(
            page.content,
            embeds=page.embeds,
            view=view or discord.utils.MISSING,
            ephemeral=ephemeral,
            allowed_mentions=NO_PINGS,
        )


async def send_private(interaction: discord.Interaction[Any], text: str) -> None:
    """A short message only the user sees (or the edit of a deferred response)."""
    try:
        if interaction.response.is_done():
            await interaction.edit_original_response(content=text, embeds=[], view=None, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (the interaction may have expired)", exc_info=True)


def explain(error: BaseException, where: str) -> str:
    """The one sentence a user sees for `error`; everything but a bad question is logged in full."""
    if isinstance(error, BadQuestion):
        log.info("%s: %s", where, error)
        return str(error)
    log.error("%s failed", where, exc_info=error)
    return str(error) if isinstance(error, CitebotError) else UNEXPECTED
