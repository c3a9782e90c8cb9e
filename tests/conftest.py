"""Shared fixtures: the real model, loaded once; a real index of the seed article in a temp folder."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.retriever import Retriever
from bot.st_encoder import SentenceTransformerEncoder

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "corpus" / "hegseth-japan-alliance.txt"
ARTICLE_TITLE = "Defense Secretary Hegseth Strengthens US-Japan Alliance Amid China Concerns"


@cache
def reference_encoder() -> SentenceTransformerEncoder:
    """The real all-MiniLM-L6-v2, loaded once per test session (also usable inside hypothesis tests)."""
    return SentenceTransformerEncoder("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def encoder() -> SentenceTransformerEncoder:
    return reference_encoder()


def make_settings(root: Path, **values: object) -> Settings:
    """Settings for a corpus and index under `root`, ignoring the developer's environment."""
    base = Settings.from_env(environ={}, dotenv=None)
    return base.with_values({"corpus_dir": root / "corpus", "index_dir": root / "index", **values})


@pytest.fixture(scope="session")
def article_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real index of the seed article, built once per session (never modified by tests)."""
    root = tmp_path_factory.mktemp("article")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus" / ARTICLE.name)
    settings = make_settings(root)
    from bot.indexer import build_index

    build_index(settings, notify=lambda message: None)
    return settings


@pytest.fixture(scope="session")
def article_retriever(article_settings: Settings) -> Retriever:
    from bot.retriever import Retriever

    return Retriever.open(article_settings)


@pytest.fixture
def corpus_copy(tmp_path: Path, article_settings: Settings) -> Settings:
    """A private copy of the article corpus and its built index, for tests that edit either."""
    shutil.copytree(article_settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(article_settings.index_dir, tmp_path / "index")
    return make_settings(tmp_path)
