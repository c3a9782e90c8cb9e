"""Word documents (.docx) read with python-docx (an optional dependency: `pip install python-docx`).

Paragraphs styled "Heading N" (or "Title") open sections; list-styled paragraphs are lists; tables
are tables (rows as "a | b | c"). Blocks have neither `lines` nor `page` (a .docx has neither).
The title is the core properties' title, else the opening heading.
"""

from __future__ import annotations

import io

from bot.corpus.readers.layout import Reading, TextBuilder


def read(raw: bytes) -> Reading:
    """Read .docx bytes; without python-docx installed, say how to install it."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:
        raise RuntimeError("reading .docx needs python-docx: pip install python-docx") from exc
    document = docx.Document(io.BytesIO(raw))
    builder = TextBuilder()
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            _paragraph(builder, Paragraph(child, document))
        elif tag == "tbl":
            table = Table(child, document)
            rows = [" | ".join(" ".join(cell.text.split()) for cell in row.cells) for row in table.rows]
            builder.block("table", "\n".join(row for row in rows if row.strip(" |")))
    title = " ".join((document.core_properties.title or "").split()) or None
    return builder.reading(title)


def _paragraph(builder: TextBuilder, paragraph: object) -> None:
    style = str(getattr(getattr(paragraph, "style", None), "name", "") or "")
    text = str(getattr(paragraph, "text", ""))
    if style == "Title":
        builder.heading(1, text)
    elif style.startswith("Heading") and style[len("Heading") :].strip().isdigit():
        builder.heading(int(style[len("Heading") :]), text)
    elif style.startswith("List"):
        builder.block("list", text)
    else:
        builder.block("paragraph", text)
