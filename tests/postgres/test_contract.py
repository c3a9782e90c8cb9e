"""One contract, both backends: the same questions give the same passages, in the same order, with the
same scores and highlights, from FAISS files and from Postgres (the article, and 300 SciFact abstracts)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.config import Settings
from bot.encoders.base import Encoder, Progress
from bot.evaluation.beir import load_beir
from bot.evaluation.questions import load_questions
from bot.evaluation.runner import write_corpus
from bot.index.open import build
from bot.records import Answer
from bot.retrieval.mode import Mode
from bot.retrieval.retriever import Retriever
from tests.postgres.support import in_database, seed_encoder
from tests.support import ARTICLE_QUESTIONS, DATA, make_settings

pytestmark = pytest.mark.postgres
SCIFACT = DATA / "scifact-300"
SCIFACT_QUERIES = 60  # of its 151, each in every mode: enough to meet ties and near-ties, in a few seconds


class CachingEncoder:
    """The real encoder, remembering each text's vector: the second build of the same corpus embeds nothing."""

    cache: dict[str, np.ndarray] = {}  # noqa: RUF012  (shared on purpose, across builds)

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.token_spans = inner.token_spans

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing, batch_size), strict=True):
                self.cache[text] = vector
        return np.stack([self.cache[t] for t in texts]) if texts else self.inner.encode(texts)


@pytest.fixture(scope="module")
def caching_encoder() -> Iterator[None]:
    import bot.index.builder
    import bot.index.postgres.build

    original = bot.index.builder.load_encoder

    def load(model: str, export: Path | None) -> Any:
        return CachingEncoder(original(model, export))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.index.builder, "load_encoder", load)
        patch.setattr(bot.index.postgres.build, "load_encoder", load)
        yield


def both(file_settings: Settings, url: str, schema: str) -> tuple[Retriever, Retriever]:
    """Retrievers on the file index of `file_settings` and on the same corpus built into `schema`."""
    pg = in_database(file_settings, url, schema)
    seed_encoder(pg, file_settings)
    build(pg.indexing)
    return Retriever.open(file_settings.retrieval), Retriever.open(pg.retrieval)


@pytest.fixture(scope="module")
def article_pair(article_settings: Settings, postgres_url: str) -> tuple[Retriever, Retriever]:
    return both(article_settings, postgres_url, "contract_article")


@pytest.fixture(scope="module")
def scifact_pair(
    article_settings: Settings, postgres_url: str, tmp_path_factory: pytest.TempPathFactory, caching_encoder: None
) -> tuple[Retriever, Retriever]:
    root = tmp_path_factory.mktemp("scifact300")
    write_corpus(load_beir(SCIFACT), root / "corpus")
    shutil.copytree(article_settings.index_dir, root / "index")  # reuses its encoder export (no 40 s export)
    settings = make_settings(root)
    build(settings.indexing)
    return both(settings, postgres_url, "contract_scifact")


def same_answer(a: Answer, b: Answer) -> None:
    assert (a.question, a.answered, a.lacks, a.notices) == (b.question, b.answered, b.lacks, b.notices)
    assert a.hits == b.hits  # passages, documents, scores, ranks, highlights, caveats
    assert (a.index.model, a.index.documents, a.index.passages) == (b.index.model, b.index.documents, b.index.passages)


def rankings_agree(files: Retriever, pg: Retriever, question: str, mode: Mode, depth: int = 50) -> None:
    query = files.encoder.encode([question])[0]
    assert np.array_equal(query, pg.encoder.encode([question])[0])
    a, b = files.rank(question, query, depth, mode), pg.rank(question, query, depth, mode)
    assert a.rows.tolist() == b.rows.tolist()
    assert np.array_equal(a.scores, b.scores)


def article_questions() -> list[str]:
    return [q.text for q in load_questions(ARTICLE_QUESTIONS)]


@pytest.mark.parametrize("mode", list(Mode))
def test_article_questions_get_the_same_answers(article_pair: tuple[Retriever, Retriever], mode: Mode) -> None:
    files, pg = article_pair
    assert pg.manifest.documents == files.manifest.documents
    assert list(pg.passages) == list(files.passages)
    for question in article_questions():
        same_answer(files.ask(question, 5, mode), pg.ask(question, 5, mode))
        rankings_agree(files, pg, question, mode)


def test_bm25_scores_are_identical(article_pair: tuple[Retriever, Retriever]) -> None:
    files, pg = article_pair
    for question in [*article_questions(), "Tokyo Tokyo tokyo alliance", "zzz qqq"]:
        assert np.array_equal(files.index.lexical_scores(question), pg.index.lexical_scores(question))


def test_scifact_queries_get_the_same_passages(scifact_pair: tuple[Retriever, Retriever]) -> None:
    files, pg = scifact_pair
    assert len(pg.passages) == len(files.passages) > 1000
    for query in load_beir(SCIFACT).queries[:SCIFACT_QUERIES]:
        same_answer(files.ask(query.text, 10), pg.ask(query.text, 10))
        for mode in Mode:
            rankings_agree(files, pg, query.text, mode, depth=100)
