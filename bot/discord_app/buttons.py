"""The buttons under an answer: right/wrong feedback on each passage, and "More results".

They are DynamicItems: discord.py rebuilds them from their custom_id whenever one is
pressed, so they work as long as the answer is remembered (see answers.py), with no
view timeout, and fail politely after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_app import render
from bot.discord_app.answers import KEY_HEX_DIGITS
from bot.discord_app.respond import explain, send, send_private, within_deadline
from bot.records import Answer, Hit

if TYPE_CHECKING:
    from bot.discord_app.app import CiteBot

KEY = rf"(?P<key>[0-9a-f]{{{KEY_HEX_DIGITS}}})"
MAX_RESULTS = 10  # passages per question, all pages together
EXPIRED = "These buttons have expired; please ask the question again."
Button = discord.ui.Button[discord.ui.View]


class FeedbackButton(discord.ui.DynamicItem[Button], template=rf"citebot:(?P<verdict>right|wrong):{KEY}:(?P<rank>\d+)"):
    """Records whether the passage at `rank` answers the question."""

    def __init__(self, key: str, rank: int, verdict: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{rank}: {verdict} passage",
                style=discord.ButtonStyle.success if verdict == "right" else discord.ButtonStyle.danger,
                custom_id=f"citebot:{verdict}:{key}:{rank}",
                row=row,
            )
        )
        self.key, self.rank, self.verdict = key, rank, verdict

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FeedbackButton:
        return cls(match["key"], int(match["rank"]), match["verdict"])

    async def callback(self, interaction: discord.Interaction[CiteBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        asked = bot.answers.get(self.key)
        hit = asked.hits.get(self.rank) if asked else None
        if asked is None or hit is None:
            await send_private(interaction, EXPIRED)
            return
        voter = (interaction.user.id, self.rank)
        earlier = asked.verdicts.get(voter)
        if earlier is not None:  # one verdict per user per passage of an answer
            await send_private(interaction, f"You already noted passage {self.rank} as the {earlier} one; thank you.")
            return
        asked.verdicts[voter] = self.verdict  # before the write: a double click must not count twice
        try:
            await bot.feedback.record(asked.question, hit.passage.id, self.verdict)
        except OSError as exc:
            del asked.verdicts[voter]
            await send_private(interaction, explain(exc, "recording feedback"))
            return
        await send_private(interaction, f"Thank you: passage {self.rank} noted as the {self.verdict} one.")


class MoreButton(discord.ui.DynamicItem[Button], template=rf"citebot:more:{KEY}:(?P<shown>\d+)"):
    """Shows the next passages (to the presser only), after the `shown` already on screen."""

    def __init__(self, key: str, shown: int, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="More results",
                style=discord.ButtonStyle.primary,
                custom_id=f"citebot:more:{key}:{shown}",
                row=row,
            )
        )
        self.key, self.shown = key, shown

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        return cls(match["key"], int(match["shown"]))

    async def callback(self, interaction: discord.Interaction[CiteBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        asked = bot.answers.get(self.key)
        if asked is None:
            await send_private(interaction, EXPIRED)
            return
        refusal = bot.gate.cooldown_refusal(interaction.user.id)  # each press runs a retrieval
        if refusal:
            await send_private(interaction, refusal)
            return
        wanted = min(self.shown + asked.page_size, MAX_RESULTS)
        try:
            answer = await within_deadline(
                interaction, bot.ask(asked.question, wanted), ephemeral=True, after=bot.defer_after
            )
        except Exception as exc:  # the edge: one sentence for the user, the rest in the log
            await send_private(interaction, explain(exc, "more results"))
            return
        new = [hit for hit in answer.hits if hit.rank > self.shown]
        asked.hits.update((hit.rank, hit) for hit in new)
        page = render.more_page(answer, new)
        shown = new[-1].rank if new else self.shown
        await send(interaction, page, answer_view(self.key, new, more_from(answer, wanted, shown)), ephemeral=True)


def more_from(answer: Answer, asked_for: int, shown: int) -> int | None:
    """`shown` (the passages a "More results" button skips), or None if there cannot be more.

    There may be more when the retriever returned all `asked_for` or some not yet shown.
    """
    maybe_more = len(answer.hits) > shown or len(answer.hits) >= asked_for
    return shown if maybe_more and shown < MAX_RESULTS else None


def answer_view(key: str, hits: Sequence[Hit], more: int | None) -> discord.ui.View | None:
    """A row of right/wrong buttons per passage shown (at most 5), "More results" on the last row."""
    if not hits:
        return None
    view = discord.ui.View(timeout=None)
    for row, hit in enumerate(hits):
        view.add_item(FeedbackButton(key, hit.rank, "right", row))
        view.add_item(FeedbackButton(key, hit.rank, "wrong", row))
    if more is not None:
        view.add_item(MoreButton(key, more, len(hits) - 1))
    return view
