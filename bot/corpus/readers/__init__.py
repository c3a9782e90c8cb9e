"""Readers by format: one module per format, chosen by the file's extension.

Each module has `read(raw: bytes) -> Reading` (see `layout`). Modules are imported when a file of
their format is first read, so a corpus of Markdown never loads the PDF or HTML parser.
Plain text (.txt) has no reader: `bot.corpus.documents` keeps it on its own path.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import PurePath

from bot.corpus.readers.layout import Reading

Reader = Callable[[bytes], Reading]

# extension -> module in this package
FORMATS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdx": "markdown",
    ".rst": "restructuredtext",
    ".rest": "restructuredtext",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".ipynb": "notebook",
    ".docx": "docx",
}
SUFFIXES = tuple(FORMATS)


def reader_for(path: PurePath | str) -> Reader | None:
    """The `read` function for a file of this extension (any case), or None when no reader knows it."""
    module = FORMATS.get(PurePath(path).suffix.lower())
    if module is None:
        return None
    reader: Reader = importlib.import_module(f"{__name__}.{module}").read
    return reader


__all__ = ["FORMATS", "SUFFIXES", "Reader", "Reading", "reader_for"]
