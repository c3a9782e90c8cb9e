"""Jupyter notebooks (.ipynb, JSON): markdown cells read as Markdown, code cells as code blocks.

Outputs are left out (they are results, not documentation). A block's `lines` are 1-based lines
within its own cell (a notebook's JSON has no useful source lines); the cells share one text, one
title (the opening heading) and one heading path.
"""

from __future__ import annotations

import json

from bot.corpus.readers.layout import Reading, TextBuilder
from bot.corpus.readers.markdown import read_text


def read(raw: bytes) -> Reading:
    """Read notebook bytes (UTF-8 JSON, nbformat 4; version 3's worksheets too)."""
    notebook = json.loads(raw.decode("utf-8-sig"))
    cells = notebook.get("cells")
    if cells is None:  # nbformat 3
        cells = [cell for sheet in notebook.get("worksheets", []) for cell in sheet.get("cells", [])]
    builder = TextBuilder()
    slugs: set[str] = set()
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "markdown":
            read_text(source, builder, slugs=slugs)
        elif cell.get("cell_type") == "code":
            builder.block("code", source, (1, max(1, source.count("\n") + 1)))
    metadata = notebook.get("metadata", {})
    title = metadata.get("title") if isinstance(metadata.get("title"), str) else None
    return builder.reading(builder.top_heading or title)
