"""What was markup in a passage's source, as spans of its readable text, for front ends to show.

A passage's `text` is readable text: markup removed, inline code and link texts kept. A `Span`
says that text[start:end] was inline code, a link (to `target`) or a code block, so that the
terminal and Discord can show it as such. Passages carry no spans yet (readers will supply them);
the renderers take them as an optional argument and show plain text the same with or without.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["code", "link", "code_block"]


@dataclass(frozen=True)
class Span:
    """text[start:end] was inline code, a link to `target`, or a code block (of language `target`, if known)."""

    start: int
    end: int
    kind: Kind
    target: str | None = None


@dataclass(frozen=True)
class Piece:
    """A run of text with one kind (None: plain text) and whether it lies in the highlight."""

    text: str
    kind: Kind | None
    target: str | None
    bold: bool


def pieces(text: str, start: int, end: int, spans: Sequence[Span], bold: tuple[int, int] | None) -> Iterator[Piece]:
    """text[start:end] cut where a span or the bold range `bold` begins or ends, in order.

    Spans are taken in order of their start; one that overlaps an earlier one is ignored (markup nests
    only in ways a passage's readable text cannot show anyway), as is an empty or out-of-range one.
    """
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if 0 <= span.start < span.end <= len(text) and (not kept or span.start >= kept[-1].end):
            kept.append(span)
    cuts = {start, end}
    for span in kept:
        cuts.update((span.start, span.end))
    if bold is not None:
        cuts.update(bold)
    points = sorted(cut for cut in cuts if start <= cut <= end)
    for left, right in itertools.pairwise(points):
        inside = next((s for s in kept if s.start <= left and right <= s.end), None)
        yield Piece(
            text[left:right],
            inside.kind if inside else None,
            inside.target if inside else None,
            bold is not None and bold[0] <= left and right <= bold[1],
        )
