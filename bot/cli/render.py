"""How an Answer looks in the terminal: readable text, or the JSON of DESIGN.md."""

from __future__ import annotations

import json
import os
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


class Style:
    """Bold and dim on a terminal (unless NO_COLOR is set); plain markers elsewhere."""

    def __init__(self, tty: bool) -> None:
        color = tty and "NO_COLOR" not in os.environ
        self.bold_on, self.bold_off = ("\033[1m", "\033[0m") if color else ("**", "**")
        self.dim_on, self.dim_off = ("\033[2m", "\033[0m") if color else ("", "")


def answer_text(answer: Answer, style: Style, width: int | None = None) -> str:
    """A readable answer: each passage quoted with its citation and score; the best sentence in bold."""
    width = width or min(100, shutil.get_terminal_size((100, 24)).columns)
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
    for hit in answer.hits:
        lines += _hit_lines(hit, style, width)
    return "\n".join(lines).rstrip() + "\n"


def hit_header(hit: Hit) -> str:
    """The first line of a quoted passage: rank, citation (bot.retrieval.citation), score, caveat."""
    caveat = f" ({hit.caveat})" if hit.caveat else ""
    return f"[{hit.rank}] {citation(hit)}  score {hit.score:.2f}{caveat}"


def _hit_lines(hit: Hit, style: Style, width: int) -> list[str]:
    doc = hit.document
    where = ", ".join(part for part in (doc.date, hit.url or doc.url or doc.source) if part)
    header = hit_header(hit)
    quoted = _mark(hit.passage.text, hit.highlight, style)
    body = textwrap.fill(quoted, width=width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False)
    return [header, f"    {style.dim_on}{where}{style.dim_off}", body, ""]


def _mark(text: str, highlight: str, style: Style) -> str:
    """Wrap the best sentence in bold (a terminal keeps bold across the wrapped lines)."""
    at = text.find(highlight) if highlight and highlight != text else -1
    if at < 0:
        return text
    end = at + len(highlight)
    return f"{text[:at]}{style.bold_on}{highlight}{style.bold_off}{text[end:]}"
