"""Ranking candidate passages for a question: one function per retrieval mode, chosen by `Mode`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.index.backend import IndexBackend
from bot.index.lexical import best_rows
from bot.retrieval.mode import Mode


@dataclass(frozen=True)
class Ranking:
    """Candidate passages best first: their rows and their similarity to the question (the shown score)."""

    rows: np.ndarray  # int64
    scores: np.ndarray  # float32, same length


Ranker = Callable[[IndexBackend, str, np.ndarray, int, float], Ranking]


def rank_dense(index: IndexBackend, text: str, query: np.ndarray, depth: int, weight: float) -> Ranking:
    """The nearest passage vectors, ordered by similarity (passage and best sentence)."""
    rows = index.dense_search(query, depth)
    similarity = index.similarity(rows, query)
    order = np.argsort(-similarity, kind="stable")
    return Ranking(rows[order], similarity[order])


def rank_bm25(index: IndexBackend, text: str, query: np.ndarray, depth: int, weight: float) -> Ranking:
    """The passages with the best BM25 scores, in that order."""
    _, rows = best_rows(index.lexical_scores(text), depth)
    return Ranking(rows, index.similarity(rows, query))


def rank_hybrid(index: IndexBackend, text: str, query: np.ndarray, depth: int, weight: float) -> Ranking:
    """Score fusion: the union of both candidate lists, ordered by
    similarity + weight * BM25 / (the question's best BM25 score)."""
    dense_rows = index.dense_search(query, depth)
    bm25 = index.lexical_scores(text)
    _, lexical_rows = best_rows(bm25, depth)
    rows = np.union1d(dense_rows, lexical_rows).astype(np.int64)
    similarity = index.similarity(rows, query)
    scale = weight / max(float(bm25.max(initial=0.0)), 1e-9)
    order = np.argsort(-(similarity + scale * bm25[rows]), kind="stable")
    return Ranking(rows[order], similarity[order])


RANKERS: dict[Mode, Ranker] = {Mode.DENSE: rank_dense, Mode.BM25: rank_bm25, Mode.HYBRID: rank_hybrid}
