"""Ranking candidate passages for a question: one function per retrieval mode, chosen by `Mode`.

Whatever the mode, the score of a ranking is the value that orders it (best first, so rank 2 never
shows a higher score than rank 1), on one scale: the cosine similarity of the question and the
passage (the mean of the passage's and its best sentence's), less what the mode holds against it.

- dense: the similarity.
- hybrid: similarity - weight * (1 - BM25 / the question's best BM25 score): the similarity for the
  passage whose words match the question best, down to `weight` less for one sharing no word with it.
  (The same order as similarity + weight * BM25 / best, the fusion tuned on SciFact.)
- bm25: BM25 / the best BM25 score, times the first passage's similarity.

The confidence threshold (CITEBOT_MIN_SCORE) compares the first passage's score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.index.backend import IndexBackend
from bot.index.lexical import best_rows
from bot.retrieval.mode import Mode


@dataclass(frozen=True)
class Ranking:
    """Candidate passages best first: their rows and the scores that order them (the shown score)."""

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
    """The passages with the best BM25 scores, in that order; scored relative to the first, in units of
    the first passage's similarity."""
    bm25, rows = best_rows(index.lexical_scores(text), depth)
    if not len(rows) or float(bm25[0]) <= 0:
        return Ranking(rows, np.zeros(len(rows), np.float32))
    first = float(index.similarity(rows[:1], query)[0])
    return Ranking(rows, (bm25 / bm25[0] * first).astype(np.float32))


def rank_hybrid(index: IndexBackend, text: str, query: np.ndarray, depth: int, weight: float) -> Ranking:
    """Score fusion: the union of both candidate lists, ordered and scored by
    similarity - weight * (1 - BM25 / the question's best BM25 score)."""
    dense_rows = index.dense_search(query, depth)
    bm25 = index.lexical_scores(text)
    _, lexical_rows = best_rows(bm25, depth)
    rows = np.union1d(dense_rows, lexical_rows).astype(np.int64)
    similarity = index.similarity(rows, query)
    scale = weight / max(float(bm25.max(initial=0.0)), 1e-9)
    fused = similarity + scale * bm25[rows]
    order = np.argsort(-fused, kind="stable")  # the order before the shift: exactly the tuned fusion's
    return Ranking(rows[order], (fused[order] - weight).astype(np.float32))


RANKERS: dict[Mode, Ranker] = {Mode.DENSE: rank_dense, Mode.BM25: rank_bm25, Mode.HYBRID: rank_hybrid}
