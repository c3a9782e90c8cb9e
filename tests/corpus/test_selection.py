"""Which files are indexed: include and exclude patterns, and what `index` says it left out."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.corpus.documents import SUFFIXES, corpus_files
from bot.corpus.selection import scan_corpus


def tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# A heading\n\nSome text.\n", encoding="utf-8")


def ids(root: Path, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[str]:
    return [path.relative_to(root).as_posix() for path in corpus_files(root, include, exclude)]


def test_defaults_skip_build_output_vendored_hidden_and_catalogs(tmp_path: Path) -> None:
    tree(
        tmp_path,
        *("index.md", "guide/intro.rst", "_build/html/index.html", "site/index.html", "node_modules/x/README.md"),
        *(".github/notes.md", ".hidden.md", "locale/fr/LC_MESSAGES/index.po", "img/logo.png", "img/a.svg"),
    )
    assert ids(tmp_path) == ["guide/intro.rst", "index.md"]
    scan = scan_corpus(tmp_path, SUFFIXES)
    assert dict(scan.other_kinds) == {".png": 1, ".svg": 1}
    assert scan.excluded_folders == 4 and scan.excluded_files == 2  # _build site node_modules .github; .hidden.md, .po


def test_include_and_exclude_patterns_in_gitignore_style(tmp_path: Path) -> None:
    tree(tmp_path, "docs/a.md", "docs/drafts/b.md", "docs/c.rst", "notes.txt", "site/keep.md")
    assert ids(tmp_path, include=("docs/",)) == ["docs/a.md", "docs/c.rst", "docs/drafts/b.md"]
    assert ids(tmp_path, include=("*.md",), exclude=("drafts/",)) == ["docs/a.md"]
    assert "site/keep.md" in ids(tmp_path, exclude=("!site/",))  # a default exclusion taken back


def test_settings_read_patterns_separated_by_commas_or_lines() -> None:
    settings = Settings.from_env(environ={"CITEBOT_EXCLUDE": "drafts/, *.tmp\narchive/**"}, dotenv=None)
    assert settings.exclude == ("drafts/", "*.tmp", "archive/**")
    assert settings.indexing.exclude == settings.retrieval.exclude == settings.exclude
