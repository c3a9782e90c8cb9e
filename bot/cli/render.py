"""How an Answer looks in the terminal: readable text, or the `ask --json` object of README.md.

Where standard output is not a terminal (a pipe, a file, a test) the text is plain and stable, the
best sentence between `**` markers: scripts read it. On a terminal, bot.cli.terminal renders it
with rich (imported only then).
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import asdict
from typing import Any

from bot.records import Answer, Hit, IndexInfo
from bot.retrieval.citation import citation


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` object."""
    return {
        "question": answer.question,
        "answered": answer.answered,
        "results": [
            {
                "rank": hit.rank,
                "score": hit.score,
                "text": hit.passage.text,
                "highlight": hit.highlight,
                "document": asdict(hit.document),
                "section": list(hit.passage.section),
                "anchor": hit.passage.anchor,
                "url": hit.url,
                "page": hit.passage.page,
                "lines": list(hit.passage.lines) if hit.passage.lines else None,
                "paragraph": hit.passage.paragraph,
                "start": hit.passage.start,
                "end": hit.passage.end,
                "caveat": hit.caveat,
            }
            for hit in answer.hits
        ],
        "index": index_json(answer.index),
        "notices": list(answer.notices),
        "lacks": answer.lacks,
    }


def index_json(info: IndexInfo) -> dict[str, Any]:
    return {"built_at": info.built_at, "model": info.model, "documents": info.documents, "passages": info.passages}


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def answer_width() -> int:
    return min(100, shutil.get_terminal_size((100, 24)).columns)


def answer_text(answer: Answer, width: int | None = None) -> str:
    """A readable answer in plain text: each passage quoted with its title, paragraph and score; the best
    sentence between `**` markers."""
    width = width or answer_width()
    lines = heading(answer)
    for hit in answer.hits:
        lines += _hit_lines(hit, width)
    return "\n".join(lines).rstrip() + "\n"


def heading(answer: Answer) -> list[str]:
    """The question and, unless the answer is confident, why not: the lines above the passages."""
    lines = [f"Q: {answer.question}", ""]
    if not answer.hits:
        lines.append("No passage found.")
    elif answer.lacks:
        lines += [
            f"The question asks for {answer.lacks}; the best passage found does not state it. The nearest passages:",
            "",
        ]
    elif not answer.answered:
        lines += [
            f"No confident match in the documents (best score {answer.hits[0].score:.2f}). "
            "The nearest passages, low confidence:",
            "",
        ]
    return lines


def citation_lines(hit: Hit) -> tuple[str, str]:
    """The line naming a passage (rank, citation: heading path, file and lines or page (bot.retrieval.citation),
    score, caveat) and the line saying where it is from (date, link or source)."""
    doc = hit.document
    where = ", ".join(part for part in (doc.date, hit.url or doc.url or doc.source) if part)
    caveat = f" ({hit.caveat})" if hit.caveat else ""
    return f"[{hit.rank}] {citation(hit)}  score {hit.score:.2f}{caveat}", where


def bold_range(text: str, highlight: str) -> tuple[int, int] | None:
    """Where the best sentence is in `text`, unless it is all of it (or not in it)."""
    at = text.find(highlight) if highlight and highlight != text else -1
    return None if at < 0 else (at, at + len(highlight))


def _hit_lines(hit: Hit, width: int) -> list[str]:
    header, where = citation_lines(hit)
    text, bold = hit.passage.text, bold_range(hit.passage.text, hit.highlight)
    quoted = text if bold is None else f"{text[: bold[0]]}**{text[bold[0] : bold[1]]}**{text[bold[1] :]}"
    body = textwrap.fill(quoted, width=width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False)
    return [header, f"    {where}", body, ""]
