"""Shared fixtures: the real model, loaded once; a real index of the seed article in a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import Settings
from bot.encoders.sentence_transformer import SentenceTransformerEncoder
from tests.support import ARTICLE, make_settings, reference_encoder

if TYPE_CHECKING:
    from bot.retrieval.retriever import Retriever


MODEL_FIXTURES = {"encoder", "article_settings", "article_retriever", "corpus_copy", "citebot"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that load the real model, so `pytest -m "not model"` is a fast tier."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def encoder() -> SentenceTransformerEncoder:
    return reference_encoder()


@pytest.fixture(scope="session")
def article_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real index of the seed article, built once per session (never modified by tests)."""
    root = tmp_path_factory.mktemp("article")
    (root / "corpus").mkdir()
    shutil.copy(ARTICLE, root / "corpus" / ARTICLE.name)
    settings = make_settings(root)
    from bot.index.builder import build_index

    build_index(settings.indexing)
    return settings


@pytest.fixture(scope="session")
def article_retriever(article_settings: Settings) -> Retriever:
    from bot.retrieval.retriever import Retriever

    return Retriever.open(article_settings.retrieval)


@pytest.fixture
def corpus_copy(tmp_path: Path, article_settings: Settings) -> Settings:
    """A private copy of the article corpus and its built index, for tests that edit either."""
    shutil.copytree(article_settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(article_settings.index_dir, tmp_path / "index")
    return make_settings(tmp_path)
