"""How an Answer looks on Discord: one embed per passage, within every Discord limit.

The best sentence (Hit.highlight) is bold; a passage too long for its share of the
message is cut around that sentence and marked with an ellipsis and "shortened".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown

from bot.records import Answer, Hit
from bot.retrieval.citation import heading, location

CONTENT_MAX = 2000
DESCRIPTION_MAX = 4096
TITLE_MAX = 256
FOOTER_MAX = 300  # Discord allows 2,048; a citation never needs that much
EMBEDS_TOTAL_MAX = 6000
QUESTION_MAX = 1000
ELLIPSIS = "…"
CONFIDENT = discord.Colour(0x2E7D32)
LOW_CONFIDENCE = discord.Colour(0x9E9E9E)


@dataclass(frozen=True)
class Page:
    """One message's worth of an answer."""

    content: str
    embeds: list[discord.Embed]


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, visibly (ending in an ellipsis) if it had to be cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def quote(text: str, highlight: str, limit: int) -> tuple[str, bool]:
    """`text` as Discord markdown with `highlight` in bold, at most `limit` characters.

    Returns the markdown and whether the text had to be shortened.
    """
    start = text.find(highlight) if highlight.strip() else -1
    end = start + len(highlight)
    parts = (text, "", "") if start < 0 else (text[:start], text[start:end], text[end:])
    room = limit
    while room > 0:
        rendered, shortened = _render(*_window(*parts, room))
        if len(rendered) <= limit:
            return rendered, shortened
        room -= len(rendered) - limit  # escapes, bold markers and ellipses took the rest
    return ELLIPSIS[:limit], True


def _window(before: str, high: str, after: str, room: int) -> tuple[str, str, str, bool, bool]:
    """Keep at most `room` raw characters, the highlight first, then more context after it than before."""
    if len(before) + len(high) + len(after) <= room:
        return before, high, after, False, False
    if len(high) >= room:
        return "", high[: max(room - 1, 0)], "", bool(before), True
    rest = room - len(high)
    keep_after = min(len(after), rest - min(len(before), rest // 4))
    keep_before = min(len(before), rest - keep_after)
    return (
        before[len(before) - keep_before :],
        high,
        after[:keep_after],
        keep_before < len(before),
        keep_after < len(after),
    )


def _render(before: str, high: str, after: str, cut_start: bool, cut_end: bool) -> tuple[str, bool]:
    core = high.strip()
    if core:
        lead, trail = high[: len(high) - len(high.lstrip())], high[len(high.rstrip()) :]
        middle = f"{lead}**{escape_markdown(core)}**{trail}"
    else:
        middle = escape_markdown(high)
    text = escape_markdown(before) + middle + escape_markdown(after)
    return (ELLIPSIS if cut_start else "") + text + (ELLIPSIS if cut_end else ""), cut_start or cut_end


def _web_url(url: str | None) -> str | None:
    """Only http(s) links can be an embed's url; Discord rejects anything else."""
    return url if url and url.startswith(("https://", "http://")) and len(url) <= 2000 else None


def _footer(hit: Hit, shortened: bool) -> str:
    doc = hit.document
    parts = [f"{doc.id}, {location(hit.passage)}", f"score {hit.score:.2f}"]
    parts += [part for part in (doc.date,) if part]
    parts += [part for part in (hit.caveat, "shortened" if shortened else None) if part]
    return shorten(" · ".join(parts), FOOTER_MAX)


def hit_embeds(hits: Sequence[Hit]) -> list[discord.Embed]:
    """One embed per hit, the passages sharing what Discord's 6,000-character total leaves."""
    embeds = []
    for hit in hits:
        title = shorten(escape_markdown(f"{hit.rank}. {heading(hit)}"), TITLE_MAX)
        embed = discord.Embed(
            title=title, url=_web_url(hit.url or hit.document.url), colour=LOW_CONFIDENCE if hit.caveat else CONFIDENT
        )
        embed.set_footer(text=_footer(hit, shortened=True))  # the longest footer it may get
        embeds.append(embed)
    if not embeds:
        return []
    share = min(DESCRIPTION_MAX, (EMBEDS_TOTAL_MAX - sum(len(e) for e in embeds)) // len(embeds))
    for hit, embed in zip(hits, embeds, strict=True):
        embed.description, shortened = quote(hit.passage.text, hit.highlight, share)
        embed.set_footer(text=_footer(hit, shortened))
    return embeds


def _content(heading: str, notices: Sequence[str]) -> str:
    lines = [heading] + [f"-# {escape_markdown(notice)}" for notice in notices]
    return shorten("\n".join(lines), CONTENT_MAX)


def _asked(question: str) -> str:
    return f"**Q:** {shorten(escape_markdown(question), QUESTION_MAX)}"


def first_page(answer: Answer, size: int) -> tuple[Page, list[Hit]]:
    """The reply to a question, and the hits it shows.

    With no confident match only the nearest passage is shown, marked with its caveat.
    """
    asked = _asked(answer.question)
    if not answer.hits:
        return Page(_content(f"{asked}\nNo passage in the documents matches this question.", answer.notices), []), []
    if not answer.answered:
        heading = (
            f"{asked}\nThe question asks for {answer.lacks}; the best passage found does not state it:"
            if answer.lacks
            else f"{asked}\nNo confident match in the documents. The nearest passage, low confidence:"
        )
        shown = list(answer.hits[:1])
        return Page(_content(heading, answer.notices), hit_embeds(shown)), shown
    shown = list(answer.hits[:size])
    return Page(_content(asked, answer.notices), hit_embeds(shown)), shown


def more_page(answer: Answer, hits: Sequence[Hit]) -> Page:
    """Further passages for a question already answered."""
    if not hits:
        return Page(_content(f"{_asked(answer.question)}\nNo further passages.", ()), [])
    first, last = hits[0].rank, hits[-1].rank
    heading = f"{_asked(answer.question)}\n" + (f"Passage {first}:" if first == last else f"Passages {first}–{last}:")
    return Page(_content(heading, ()), hit_embeds(hits))
