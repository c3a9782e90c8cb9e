"""Splitting documents into passages that respect paragraphs and sentences.

A passage never crosses a paragraph, except that a heading (one short line that does not end
like a sentence, or the document's title) opens the passage below it instead of standing
alone: alone, a line like a paper's title is topical enough to outrank the text that answers.
No passage exceeds the model's word-piece limit: counts come from the model's own tokenizer,
so nothing is silently truncated.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.records import Document, Passage

TokenSpans = Callable[[str], list[tuple[int, int]]]

SPECIAL_TOKENS = 2  # [CLS] and [SEP]
HEADING_TOKENS = 24  # a one-line paragraph of at most this many word pieces can be a heading
WAITING_TOKENS = 64  # at most this many word pieces of headings open one passage
# The version of the cutting rules (2: headings open the passage below them; 3: documents with sections
# are cut by section, bot.corpus.sections, and passages carry their section, anchor, page and lines).
CUT_RULES = 3

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE = re.compile(r"\n")
_SENTENCE_STOPS = (".", "!", "?", "…", "。", "！", "？")
_CLOSERS = "\"'”’)]」』）"
# After . ! ? … and any closing quotes or brackets (group 1, part of the sentence), then space;
# after CJK full stops no space is needed; a blank line always ends a sentence (a heading above text).
_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"'”’)\]]*)\s+|(?<=[。！？])([」』）]*)\s*|()\n[ \t]*\n\s*")


@dataclass(frozen=True)
class SplitSettings:
    """How passages are cut. `target_tokens` is the preferred size, `max_tokens` the model's limit."""

    max_tokens: int = 256
    target_tokens: int = 128
    overlap_sentences: int = 1
    rules: int = CUT_RULES
    sections: bool = True  # cut a document with sections by section (False: by paragraphs, as plain text)
    section_tokens: int = 256  # the target of a document with sections (bot.corpus.sections)
    heading_context: bool = True  # embed each passage of a section after its heading path (README "Passage size")

    @classmethod
    def from_manifest(cls, recorded: dict[str, int]) -> SplitSettings:
        """The settings an index records (an older index lacks the newer fields: their defaults)."""
        return cls(
            max_tokens=int(recorded["max_tokens"]),
            target_tokens=int(recorded["target_tokens"]),
            overlap_sentences=int(recorded["overlap_sentences"]),
            rules=int(recorded.get("rules", 1)),
            sections=bool(recorded.get("sections", True)),
            section_tokens=int(recorded.get("section_tokens", 256)),
            heading_context=bool(recorded.get("heading_context", False)),  # older indexes had none
        )


def paragraph_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Character spans of paragraphs (whitespace trimmed) in text[start:].

    Blank lines separate paragraphs; a text with no blank line has one paragraph per line.
    """
    separator = _BLANK_LINE if _BLANK_LINE.search(text, start) else _LINE
    spans = []
    begin = start
    for match in separator.finditer(text, start):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(text)))
    return [trimmed for span in spans if (trimmed := _trim(text, *span)) is not None]


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character spans of the sentences of text[start:end], whitespace trimmed."""
    spans = []
    begin = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() > begin:
            stop = match.end(match.lastindex or 0)  # after the closing quotes or brackets
            spans.append((begin, stop if stop > begin else match.end()))
            begin = match.end()
    spans.append((begin, end))
    return [trimmed for span in spans if (trimmed := _trim(text, *span)) is not None]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


class TokenCounter:
    """Word-piece counts of character spans of one paragraph, from a single tokenizer call."""

    def __init__(self, text: str, start: int, end: int, token_spans: TokenSpans) -> None:
        self.start = start
        self.lead = 0  # word pieces of the headings before `start` that open the paragraph's first passage
        pieces = token_spans(text[start:end])
        self.starts = [start + a for a, _ in pieces]
        self.ends = [start + b for _, b in pieces]

    def count(self, start: int, end: int) -> int:
        if start < self.start:  # a span opening with the headings above the paragraph
            return self.lead + self.count(self.start, end)
        return bisect.bisect_left(self.starts, end) - bisect.bisect_left(self.ends, start + 1)

    def cut(self, start: int, end: int, budget: int) -> list[tuple[int, int]]:
        """Cut a span with too many word pieces into spans of at most `budget` pieces, at piece bounds."""
        first = bisect.bisect_left(self.ends, start + 1)
        last = bisect.bisect_left(self.starts, end)
        if last - first <= budget:
            return [(start, end)]
        cuts = []
        for i in range(first, last, budget):
            j = min(i + budget, last) - 1
            piece_start = start if i == first else self.starts[i]
            piece_end = end if j == last - 1 else self.ends[j]
            cuts.append((piece_start, piece_end))
        return cuts


def split_paragraphs(document: Document, settings: SplitSettings, token_spans: TokenSpans) -> list[Passage]:
    """Cut a document into passages: within paragraphs, at sentence bounds, overlapping by whole sentences.

    A passage's `paragraph` is the (1-based) paragraph it starts in. Each paragraph is tokenized once.
    """
    budget = settings.max_tokens - SPECIAL_TOKENS
    target = max(1, min(settings.target_tokens, budget))
    passages: list[Passage] = []
    paragraphs = paragraph_spans(document.text, document.content_start)
    paragraph_starts = [start for start, _ in paragraphs]

    def add(start: int, end: int) -> None:
        number = bisect.bisect_right(paragraph_starts, start)  # the 1-based paragraph the passage starts in
        text = document.text[start:end]
        passages.append(Passage(f"{document.id}#{len(passages) + 1}", document.id, number, start, end, text))

    waiting: list[tuple[int, int]] = []  # headings waiting to open the next passage
    waiting_pieces = 0
    for number, (p_start, p_end) in enumerate(paragraphs, start=1):
        counter = TokenCounter(document.text, p_start, p_end, token_spans)
        pieces = counter.count(p_start, p_end)
        if number < len(paragraphs) and _is_heading(document, p_start, p_end, pieces):
            if waiting and waiting_pieces + pieces > WAITING_TOKENS:  # a run of short lines: no heading waits long
                add(waiting[0][0], waiting[-1][1])
                waiting, waiting_pieces = [], 0
            waiting.append((p_start, p_end))
            waiting_pieces += pieces
            continue
        units = [
            piece
            for sentence in sentence_spans(document.text, p_start, p_end)
            for piece in counter.cut(*sentence, budget)
        ]
        if waiting and waiting_pieces + counter.count(*units[0]) <= budget:
            units[0] = (waiting[0][0], units[0][1])  # the headings open the first sentence's passage
            counter.lead = waiting_pieces
        elif waiting:
            add(waiting[0][0], waiting[-1][1])
        waiting, waiting_pieces = [], 0
        for w_start, w_end in windows(units, counter.count, target, settings.overlap_sentences):
            add(w_start, w_end)
    return passages


def _is_heading(document: Document, start: int, end: int, pieces: int) -> bool:
    """One line that is the document's title, or a short one that does not end like a sentence ("## Results")."""
    line = document.text[start:end]
    if "\n" in line:
        return False
    if line.removesuffix(".") == document.info.title:
        return True
    return pieces <= HEADING_TOKENS and not line.rstrip(_CLOSERS).endswith(_SENTENCE_STOPS)


def windows(
    units: list[tuple[int, int]], count: Callable[[int, int], int], target: int, overlap: int
) -> list[tuple[int, int]]:
    """Greedily pack consecutive units (sentences) up to `target` pieces; each window repeats the
    last `overlap` units of the previous one so a fact spanning a cut is whole in some passage."""
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(units):
        last = first + 1  # a window always takes at least one unit (each is within the budget)
        while last < len(units) and count(units[first][0], units[last][1]) <= target:
            last += 1
        windows.append((units[first][0], units[last - 1][1]))
        if last >= len(units):
            break
        first = max(first + 1, last - overlap)
    return windows
