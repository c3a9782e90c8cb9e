"""What every reader returns, and the builder that lays text out so offsets stay right.

The text of a reading is its blocks and headings in document order, separated by one blank line
("\n\n"). A heading is one line of its own. A block's text never starts or ends with whitespace
(a code block keeps its inner indentation and blank lines verbatim, only blank lines around it go).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.records import Block, Section

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Reading:
    """A file read by its structure.

    `title` is the document's own title (its opening or first top heading, an HTML <title>), or None;
    `content_start` is the offset after that heading's line when the heading opens the text, else 0;
    `meta` holds front-matter fields (lower-case keys, string values: url, date, title ...).
    """

    text: str
    sections: tuple[Section, ...]
    title: str | None = None
    content_start: int = 0
    meta: Mapping[str, str] = field(default_factory=dict)


class TextBuilder:
    """Appends headings and blocks to one text, recording sections and offsets as it goes."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._sections: list[Section] = []
        self._levels: list[tuple[int, str]] = []  # the open headings, outermost first
        self._anchor: str | None = None
        self._heading: tuple[int, int] | None = None
        self._blocks: list[Block] = []
        self.first_heading: tuple[str, int, tuple[int, int]] | None = None  # (text, level, span)
        self.top_heading: str | None = None  # the first level-1 heading

    def _append(self, text: str) -> tuple[int, int]:
        if self._length:
            self._parts.append(SEPARATOR)
            self._length += len(SEPARATOR)
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start, self._length

    def _close(self) -> None:
        if self._blocks or self._heading is not None:
            path = tuple(title for _, title in self._levels)
            self._sections.append(Section(path, self._anchor, tuple(self._blocks), self._heading))
        self._blocks = []

    def heading(self, level: int, text: str, anchor: str | None = None, in_text: bool = True) -> None:
        """Open a section under a heading of `level` (1 outermost); its text becomes one line of its own
        (unless not `in_text`: a PDF bookmark whose title is not on the page still names the section)."""
        text = " ".join(text.split())
        self._close()
        while self._levels and self._levels[-1][0] >= level:
            self._levels.pop()
        self._anchor = anchor
        if not in_text:
            self._heading = None
            self._levels.append((level, text))
            return
        if not text:  # an empty heading still ends the section above it
            self._heading = None
            self._levels.append((level, ""))
            return
        self._levels.append((level, text))
        self._heading = self._append(text)
        if self.first_heading is None:
            self.first_heading = (text, level, self._heading)
        if level == 1 and self.top_heading is None:
            self.top_heading = text

    def section_break(self) -> None:
        """Start a new section with an empty heading path (a PDF without bookmarks: one a page)."""
        self._close()
        self._levels, self._anchor, self._heading = [], None, None

    def block(self, kind: str, text: str, lines: tuple[int, int] | None = None, page: int | None = None) -> None:
        """Add a block (nothing when its text is blank)."""
        text = text.strip("\n").rstrip() if kind == "code" else text.strip()
        if not text.strip():
            return
        start, end = self._append(text)
        self._blocks.append(Block(kind, start, end, lines, page))

    def reading(self, fallback_title: str | None = None, meta: Mapping[str, str] | None = None) -> Reading:
        """The result: a heading that opens the text is the title (content starts after its line),
        else `fallback_title`."""
        self._close()
        text = "".join(self._parts)
        title, content_start = fallback_title, 0
        if self.first_heading is not None and self.first_heading[2][0] == 0:
            title, content_start = self.first_heading[0], self.first_heading[2][1]
        return Reading(text, tuple(self._sections), title, content_start, dict(meta or {}))
