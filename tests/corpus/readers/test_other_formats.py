"""PDF, notebooks and .docx: the readers that are not markup."""

from __future__ import annotations

import io
import json

import pytest

from bot.corpus.readers import notebook, pdf
from tests.corpus.readers.invariants import blocks, check
from tests.support import REPO

FLETCHER = REPO / "bench" / "docsets" / "pdf-fletcher-manual" / "corpus" / "fletcher-manual.pdf"


@pytest.fixture(scope="module")
def fletcher() -> pdf.Reading:
    return pdf.read(FLETCHER.read_bytes())


def test_pdf_bookmarks_give_heading_paths_and_blocks_stay_on_their_page(fletcher: pdf.Reading) -> None:
    check(fletcher)
    paths = [section.path for section in fletcher.sections]
    assert ("Nodes", "Node shapes") in paths and ("Edges", "Specifying edge vertices") in paths
    assert all(block.page is not None and block.lines is None for block in blocks(fletcher))
    from pypdf import PdfReader

    pages = ["\n".join(line.rstrip() for line in page.extract_text().split("\n")) for page in PdfReader(FLETCHER).pages]
    for block in blocks(fletcher):  # verbatim: each block is a run of its page's lines (trailing spaces cut)
        assert block.page is not None
        assert fletcher.text[block.start : block.end] in pages[block.page - 1]


def test_pdf_without_bookmarks_has_a_section_per_page() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(FLETCHER).pages[3:5]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    reading = pdf.read(out.getvalue())
    check(reading)
    assert [section.path for section in reading.sections] == [(), ()]
    assert [{block.page for block in section.blocks} for section in reading.sections] == [{1}, {2}]


def test_notebook_cells() -> None:
    cells = [
        {"cell_type": "markdown", "source": ["# Demo\n", "\n", "Use `pandas` here.\n"]},
        {"cell_type": "code", "source": "import pandas\n\n\nprint(1)", "outputs": [{"text": "1"}]},
        {"cell_type": "markdown", "source": "## Part { #part }\n\n!!! note\n    Careful."},
        {"cell_type": "raw", "source": "ignored"},
    ]
    reading = notebook.read(json.dumps({"cells": cells, "nbformat": 4, "metadata": {}}).encode())
    check(reading)
    assert reading.title == "Demo" and reading.content_start == len("Demo")
    assert [(b.kind, reading.text[b.start : b.end]) for b in blocks(reading)] == [
        ("paragraph", "Use pandas here."),
        ("code", "import pandas\n\n\nprint(1)"),
        ("admonition", "Note\n\nCareful."),
    ]
    assert [(s.path, s.anchor) for s in reading.sections] == [(("Demo",), "demo"), (("Demo", "Part"), "part")]


def test_docx_headings_lists_and_tables() -> None:
    docx = pytest.importorskip("docx")
    from bot.corpus.readers import docx as docx_reader

    document = docx.Document()
    document.add_heading("Report", level=1)
    document.add_paragraph("Opening words.")
    document.add_heading("Details", level=2)
    document.add_paragraph("First point", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, (("a", "b"), ("1", "2")), strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    reading = docx_reader.read(out.getvalue())
    check(reading)
    assert reading.title == "Report"
    assert [s.path for s in reading.sections] == [("Report",), ("Report", "Details")]
    assert [(b.kind, reading.text[b.start : b.end]) for b in blocks(reading)] == [
        ("paragraph", "Opening words."),
        ("list", "First point"),
        ("table", "a | b\n1 | 2"),
    ]
