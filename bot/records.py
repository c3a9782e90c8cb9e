"""The plain values that flow from the corpus to every front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentInfo:
    """What a citation needs to know about a document (everything but its text)."""

    id: str
    title: str
    source: str
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Block:
    """One unit of a section's readable text, document.text[start:end]: a paragraph, list, code block,
    table, admonition or quote, with where it came from in the source file."""

    kind: str  # paragraph | list | code | table | admonition | quote
    start: int
    end: int
    lines: tuple[int, int] | None = None  # first and last line in the source file, 1-based (None for PDF)
    page: int | None = None  # 1-based page of a PDF


@dataclass(frozen=True)
class Section:
    """A run of blocks under one heading. `path` is the heading path, outermost first (empty before the
    first heading); `heading` the span of the heading's own text in document.text, if it has one."""

    path: tuple[str, ...]
    anchor: str | None
    blocks: tuple[Block, ...]
    heading: tuple[int, int] | None = None


@dataclass(frozen=True)
class Document:
    """A loaded document: `text` is the readable text that passage offsets point into.

    Passages start at `content_start`, after a headline that became the title (0 when none did).
    `sections` is the structure a reader found (Markdown, reStructuredText, HTML, PDF ...); plain text
    has none and is cut by paragraphs.
    """

    info: DocumentInfo
    text: str
    content_hash: str
    content_start: int = 0
    sections: tuple[Section, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class Passage:
    """A span of a document. Invariant: document.text[start:end] == text.

    `paragraph` is the 1-based paragraph (or block, in a document with sections) it starts in;
    `section` its heading path, `anchor` the section's link target, `page` its 1-based PDF page,
    `lines` the first and last line of its blocks in the source file (None when unknown, and for PDF).
    """

    id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    section: tuple[str, ...] = ()
    anchor: str | None = None
    page: int | None = None
    lines: tuple[int, int] | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Passage:
        """A passage from its stored JSON object (lists back to tuples)."""
        lines = raw.get("lines")
        return cls(**{**raw, "section": tuple(raw.get("section", ())), "lines": tuple(lines) if lines else None})


@dataclass(frozen=True)
class Hit:
    """One ranked passage. `score` is the score that ranks it (bot.retrieval.ranking); higher is better.
    `url` links to the passage's section or page when the document's address is known."""

    passage: Passage
    document: DocumentInfo
    score: float
    rank: int
    highlight: str
    caveat: str | None = None  # when the answer is not confident: "low confidence", or "not an answer" (no figure)
    url: str | None = None


@dataclass(frozen=True)
class IndexInfo:
    """What an index holds, for `info`, `/status` and the JSON `index` field."""

    built_at: str
    model: str
    documents: int
    passages: int
    stale: bool = False
    stale_reason: str | None = None


@dataclass(frozen=True)
class Answer:
    """The answer to one question: ranked hits and whether any is a confident match."""

    question: str
    answered: bool
    hits: tuple[Hit, ...]
    index: IndexInfo
    notices: tuple[str, ...] = field(default_factory=tuple)
    lacks: str | None = None  # why a confident-looking passage is no answer: the figure it does not state
