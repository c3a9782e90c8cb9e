"""Citations: the source-URL template, deep links, and the one-line citation both front ends show."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.records import DocumentInfo, Hit, Passage
from bot.retrieval.citation import citation, passage_url, source_path, template_url, with_url

TEMPLATE = "https://docs.example.com/{path}/"


@pytest.mark.parametrize(
    ("doc_id", "url"),
    [
        ("tutorial/cors.md", "https://docs.example.com/tutorial/cors/"),
        ("tutorial/index.md", "https://docs.example.com/tutorial/"),
        ("index.rst", "https://docs.example.com/"),
        ("api/Index.html", "https://docs.example.com/api/"),
        ("manual.pdf", "https://docs.example.com/manual/"),
    ],
)
def test_the_template_fills_in_the_path_without_extension_and_folds_index(doc_id: str, url: str) -> None:
    assert template_url(TEMPLATE, doc_id) == url


def test_file_is_the_path_as_is_and_front_matter_wins() -> None:
    assert template_url("https://example.org/raw/{file}", "docs/a b.md") == "https://example.org/raw/docs/a b.md"
    assert source_path("a/b/c.txt") == "a/b/c"
    own = DocumentInfo("a.md", "A", "a.md", url="https://own.example/a")
    assert with_url(own, TEMPLATE).url == "https://own.example/a"
    assert with_url(DocumentInfo("a.md", "A", "a.md"), None).url is None


def passage(**fields: object) -> Passage:
    return Passage("d#1", "tutorial/cors.md", 3, 0, 4, "text", **fields)  # type: ignore[arg-type]


def test_deep_links_go_to_the_anchor_or_the_pdf_page() -> None:
    base = "https://docs.example.com/tutorial/cors/"
    assert passage_url(base, passage(anchor="use-corsmiddleware")) == f"{base}#use-corsmiddleware"
    assert passage_url(base + "#top", passage(page=12)) == f"{base}#page=12"
    assert passage_url(base, passage()) == base
    assert passage_url(None, passage(anchor="x")) is None


def test_the_citation_line_names_heading_path_file_and_lines_page_or_paragraph() -> None:
    doc = DocumentInfo("tutorial/cors.md", "CORS", "docs/tutorial/cors.md")
    section = ("Tutorial", "CORS", "Use CORSMiddleware")
    hit = Hit(passage(section=section, lines=(40, 52)), doc, 0.7, 1, "text")
    assert citation(hit) == "Tutorial › CORS › Use CORSMiddleware · tutorial/cors.md, lines 40-52"
    assert citation(Hit(passage(page=4), doc, 0.7, 1, "t")) == "CORS · tutorial/cors.md, page 4"
    assert citation(Hit(passage(), doc, 0.7, 1, "t")) == "CORS · tutorial/cors.md, paragraph 3"


def test_the_setting_reaches_retrieval() -> None:
    settings = Settings.from_env(environ={"CITEBOT_SOURCE_URL": TEMPLATE}, dotenv=None)
    assert settings.retrieval.source_url == TEMPLATE
