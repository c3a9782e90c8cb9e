"""How an Answer looks on Discord: one embed per passage, within every Discord limit.

The best sentence (Hit.highlight) is bold; a passage too long for its share of the
message is cut around that sentence and marked with an ellipsis and "shortened".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import discord
from discord.utils import escape_markdown

from bot.markup import Piece, Span, pieces
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


def quote(text: str, highlight: str, limit: int, spans: Sequence[Span] = ()) -> tuple[str, bool]:
    """`text` as Discord markdown with `highlight` in bold, at most `limit` characters.

    `spans` (see bot.markup) show as Discord markdown: links as `[text](url)` (http(s) targets only),
    inline code in backticks, code blocks fenced; everything else is escaped, so a passage never
    formats itself. Returns the markdown and whether the text had to be shortened.
    """
    start = text.find(highlight) if highlight.strip() else -1
    # Without a highlight, the text counts as what comes before it (so a cut keeps its end).
    bold = (len(text), len(text)) if start < 0 else (start, start + len(highlight))
    room = limit
    while room > 0:
        window = _window(len(text), bold, room)
        rendered = _render(text, window, bold, spans)
        if len(rendered) <= limit:
            return rendered, window.cut_start or window.cut_end
        room -= len(rendered) - limit  # escapes, bold markers, link targets and ellipses took the rest
    return ELLIPSIS[:limit], True


@dataclass(frozen=True)
class _Window:
    start: int
    end: int
    cut_start: bool
    cut_end: bool


def _window(length: int, bold: tuple[int, int], room: int) -> _Window:
    """Keep at most `room` characters, the highlight first, then more context after it than before."""
    before, high, after = bold[0], bold[1] - bold[0], length - bold[1]
    if before + high + after <= room:
        return _Window(0, length, False, False)
    if high >= room:
        return _Window(bold[0], bold[0] + max(room - 1, 0), before > 0, True)
    rest = room - high
    keep_after = min(after, rest - min(before, rest // 4))
    keep_before = min(before, rest - keep_after)
    return _Window(bold[0] - keep_before, bold[1] + keep_after, keep_before < before, keep_after < after)


def _render(text: str, window: _Window, bold: tuple[int, int], spans: Sequence[Span]) -> str:
    """The window of `text` as markdown: bold runs in `**`, spans as markup, the rest escaped."""
    out: list[str] = []
    run: list[Piece] = []  # consecutive bold pieces, rendered together inside one pair of markers

    def close_run() -> None:
        raw = "".join(piece.text for piece in run)
        core = raw.strip()
        if core:
            lead, trail = raw[: len(raw) - len(raw.lstrip())], raw[len(raw.rstrip()) :]
            inner = "".join(_markdown(piece) for piece in _trimmed(run))
            out.append(f"{lead}**{inner}**{trail}")
        else:
            out.append(escape_markdown(raw))
        run.clear()

    for piece in pieces(text, window.start, window.end, spans, bold):
        if out and out[-1].endswith("```") and not piece.text.startswith("\n"):
            piece = replace(piece, text="\n" + piece.text)  # nothing may follow a closing fence on its line
        if piece.bold and piece.kind != "code_block":
            run.append(piece)
            continue
        if run:
            close_run()
        out.append(_markdown(piece, out[-1] if out else ""))
    if run:
        close_run()
    return (ELLIPSIS if window.cut_start else "") + "".join(out) + (ELLIPSIS if window.cut_end else "")


def _trimmed(run: list[Piece]) -> list[Piece]:
    """`run` without the whitespace at its two ends (it goes outside the bold markers)."""
    run = [replace(run[0], text=run[0].text.lstrip()), *run[1:]]
    run[-1] = replace(run[-1], text=run[-1].text.rstrip())
    return [piece for piece in run if piece.text]


LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,20}")
URL_MAX = 512  # a longer link target shows its text alone: it would crowd out the passage


def _markdown(piece: Piece, before: str = "") -> str:
    """One piece as Discord markdown; anything it cannot show safely is shown as escaped text."""
    text = piece.text
    if piece.kind == "code" and text.strip() and "\n" not in text:
        if "`" not in text:
            return f"`{text}`"
        if "``" not in text:
            return f"`` {text} ``"
    if piece.kind == "link" and text.strip() and _link_target(piece.target):
        label = escape_markdown(text).replace("[", "\\[").replace("]", "\\]")
        return f"[{label}]({_link_target(piece.target)})"
    if piece.kind == "code_block" and text.strip() and "```" not in text:
        language = piece.target if piece.target and LANGUAGE.fullmatch(piece.target) else ""
        opening = "" if not before or before.endswith("\n") else "\n"
        return f"{opening}```{language}\n{text.strip(chr(10))}\n```"
    return escape_markdown(text)


def _link_target(url: str | None) -> str | None:
    """`url` fit to follow a link text: http(s), no spaces, brackets percent-encoded; else None."""
    if not url or not url.startswith(("https://", "http://")) or len(url) > URL_MAX:
        return None
    if any(c.isspace() or c in "<>" for c in url):
        return None
    return url.replace("(", "%28").replace(")", "%29")


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
