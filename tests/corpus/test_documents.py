"""Loading the corpus: titles, front matter, and files that must be skipped with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus.documents import corpus_files, find_title, parse_document, read_document
from tests.support import ARTICLE, ARTICLE_TITLE


def load(path: Path, root: Path) -> tuple[object, list[str]]:
    warnings: list[str] = []
    return read_document(path, root, warnings.append), warnings


def test_article_headline_is_the_title_and_the_kicker_is_not() -> None:
    document, warnings = load(ARTICLE, ARTICLE.parent)
    assert warnings == []
    assert document is not None
    assert document.info.title == ARTICLE_TITLE  # type: ignore[attr-defined]
    assert document.text[document.content_start :].lstrip().startswith("Tokyo – US")  # type: ignore[attr-defined]


def test_front_matter_gives_title_url_and_date() -> None:
    raw = "---\ntitle: The Real Title\nurl: https://example.org/a\ndate: 2025-03-30\n---\n# Heading\n\nBody text.\n"
    document = parse_document(raw, "a.md", "corpus/a.md", "h")
    assert document is not None
    assert (document.info.title, document.info.url, document.info.date) == (
        "The Real Title",
        "https://example.org/a",
        "2025-03-30",
    )
    assert "---" not in document.text and document.content_start == 0


def test_source_url_in_front_matter_is_the_url() -> None:
    document = parse_document("---\nsource: https://news.example/x\n---\nText.", "x.md", "corpus/x.md", "h")
    assert document is not None and document.info.url == "https://news.example/x"


def test_markdown_heading_is_the_title() -> None:
    assert find_title("\n# Release notes #\n\nText.") == ("Release notes", len("\n# Release notes #"))


def test_a_one_sentence_line_above_a_blank_line_is_the_title() -> None:
    body = "Primary care among women released from jails.\n\nWe studied 511 women. They were followed up."
    assert find_title(body) == ("Primary care among women released from jails", 0)  # the line stays in the text


@pytest.mark.parametrize(
    "body",
    [
        "Two sentences here. Not a title.\n\nBody text.",
        "A single sentence with nothing after it.\n\n",
        "An opening sentence.\nThe paragraph goes on.\n\nMore.",
    ],
)
def test_prose_is_not_a_title(body: str) -> None:
    assert find_title(body) == (None, 0)


def test_no_title_line_falls_back_to_the_file_name() -> None:
    document = parse_document("This opens with a sentence.\nAnother one.", "notes/my_file-name.txt", "s", "h")
    assert document is not None
    assert document.info.title == "my file name" and document.content_start == 0


def test_non_utf8_empty_and_unreadable_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("café au lait".encode("latin-1"))
    (tmp_path / "empty.md").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Title\nBody.", encoding="utf-8")
    (tmp_path / "ignored.xyz").write_bytes(b"no reader knows this")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "secret.txt").write_text("no", encoding="utf-8")
    files = corpus_files(tmp_path)
    assert [f.name for f in files] == ["empty.md", "good.txt", "latin1.txt"]
    results = {f.name: load(f, tmp_path) for f in files}
    assert results["good.txt"][0] is not None and results["good.txt"][1] == []
    assert results["latin1.txt"][0] is None and "latin1.txt" in results["latin1.txt"][1][0]
    assert "UTF-8" in results["latin1.txt"][1][0]
    assert results["empty.md"][0] is None and "empty.md" in results["empty.md"][1][0]


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "dangling.txt"
    broken.symlink_to(tmp_path / "nowhere.txt")
    document, warnings = load(broken, tmp_path)
    assert document is None and "dangling.txt" in warnings[0]
