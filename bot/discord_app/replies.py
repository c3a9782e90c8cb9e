"""The reply to a question, shared by /ask and mentions: the first page of passages and its buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord_app import render
from bot.discord_app.answers import Asked
from bot.discord_app.buttons import answer_view, more_from
from bot.discord_app.shared import Where

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

PAGE_MAX = 5  # passages per message: one row of feedback buttons each, at most 5 rows


def page_size(bot: CiteBot, k: int | None) -> int:
    return max(1, min(k or bot.settings.top_k, PAGE_MAX))


async def answer_question(
    bot: CiteBot, question: str, k: int | None, where: Where | None = None
) -> tuple[render.Page, discord.ui.View | None]:
    """Retrieve (in a thread) and render the answer; remember it for its buttons."""
    size = page_size(bot, k)
    answer = await bot.ask(question, size, where)
    page, shown = render.first_page(answer, size)
    if not shown:
        return page, None
    key = bot.answers.add(Asked(answer.question, size, {hit.rank: hit for hit in shown}))
    return page, answer_view(key, shown, more_from(answer, size, shown[-1].rank))
