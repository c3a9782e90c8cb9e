"""Every file of the four documentation sets reads cleanly: no markup left, the invariants hold."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bot.corpus.documents import corpus_files, read_document
from bot.corpus.readers import Reading
from bot.records import Document
from tests.corpus.readers.invariants import check, check_lines
from tests.support import REPO

DOCSETS = REPO / "bench" / "docsets"
MARKUP = ("///", "{ #", "{#", "::: ", "!!! ", "=== ", ".. code-block", ":class:`", ":func:`", ":ref:`", "¶")
HTML = ("<div", "</", "<br", "{%")  # flask's prose quotes tags and Jinja in inline literals; others may not


@cache
def read_all(name: str) -> tuple[Path, list[Document]]:
    """Every document of a set; only pydantic's API pages (mkdocstrings stubs alone) are skipped, as empty."""
    root = DOCSETS / name / "corpus"
    warnings: list[str] = []
    documents = [doc for path in corpus_files(root) if (doc := read_document(path, root, warnings.append))]
    assert all(w.startswith("skipped api/") and w.endswith("it holds no text.") for w in warnings), warnings
    assert len(warnings) == (33 if name == "pydantic" else 0)
    return root, documents


@pytest.mark.parametrize("name", ["pydantic", "flask", "html-click", "pdf-fletcher-manual"])
def test_every_file_reads_without_markup(name: str) -> None:
    _, documents = read_all(name)
    assert documents and all(document.sections for document in documents)
    for document in documents:
        code = [(b.start, b.end) for s in document.sections for b in s.blocks if b.kind == "code"]
        for markup in MARKUP + (HTML if name != "flask" else ()):
            at = document.text.find(markup)
            while at != -1:
                assert any(start <= at < end for start, end in code), f"{document.id}: {markup!r} at {at}"
                at = document.text.find(markup, at + 1)


@pytest.mark.parametrize("name", ["pydantic", "flask", "html-click"])
def test_invariants_and_source_lines(name: str) -> None:
    root, documents = read_all(name)
    for document in documents:
        reading = Reading(document.text, document.sections, document.info.title, document.content_start)
        check(reading)
        check_lines(reading, (root / document.id).read_text(encoding="utf-8").splitlines(), found_share=0.9)


def test_flask_roles_are_rendered() -> None:
    _, documents = read_all("flask")
    config = next(document for document in documents if document.id == "config.rst")
    assert "The config attribute of the Flask object." in " ".join(config.text.split())
    assert config.info.title == "Configuration Handling"
