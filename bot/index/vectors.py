"""Passage vectors and, beside them, the vectors of each passage's sentences: how they are stored.

Sentence vectors let a passage be scored by its best sentence as well as by its whole text,
and give the highlight (the sentence that best answers) without encoding anything at query time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PASSAGE_VECTORS = "vectors.npy"
SENTENCE_VECTORS = "sentence_vectors.npy"
SENTENCE_SPANS = "sentence_spans.npy"
SENTENCE_OFFSETS = "sentence_offsets.npy"


@dataclass(frozen=True)
class Vectors:
    """Row i of `passages` is passage i; its sentences are rows offsets[i]:offsets[i+1] of `sentences`,
    at character spans (relative to the passage) in the same rows of `spans`."""

    passages: np.ndarray  # (n, d) float32
    offsets: np.ndarray  # (n + 1,) int64
    spans: np.ndarray  # (s, 2) int32
    sentences: np.ndarray  # (s, d) float32

    def __len__(self) -> int:
        return len(self.passages)

    def slice(self, first: int, last: int) -> Vectors:
        """The rows of passages first..last-1, with offsets starting again at 0."""
        lo, hi = int(self.offsets[first]), int(self.offsets[last])
        return Vectors(
            self.passages[first:last], self.offsets[first : last + 1] - lo, self.spans[lo:hi], self.sentences[lo:hi]
        )

    @staticmethod
    def concat(parts: Sequence[Vectors], dimension: int) -> Vectors:
        if not parts:
            return Vectors(
                np.empty((0, dimension), np.float32),
                np.zeros(1, np.int64),
                np.empty((0, 2), np.int32),
                np.empty((0, dimension), np.float32),
            )
        offsets = [np.zeros(1, np.int64)]
        base = 0
        for part in parts:
            offsets.append(part.offsets[1:] + base)
            base += int(part.offsets[-1])
        return Vectors(
            np.concatenate([p.passages for p in parts]).astype(np.float32, copy=False),
            np.concatenate(offsets).astype(np.int64, copy=False),
            np.concatenate([p.spans for p in parts]).astype(np.int32, copy=False),
            np.concatenate([p.sentences for p in parts]).astype(np.float32, copy=False),
        )

    def save(self, folder: Path) -> None:
        for name, array in self._files().items():
            np.save(folder / name, array)

    @classmethod
    def load(cls, folder: Path, mmap: bool = False) -> Vectors:
        return cls(*(np.load(folder / name, mmap_mode="r" if mmap else None) for name in cls._names()))

    def _files(self) -> dict[str, np.ndarray]:
        return dict(zip(self._names(), (self.passages, self.offsets, self.spans, self.sentences), strict=True))

    @staticmethod
    def _names() -> tuple[str, str, str, str]:
        return PASSAGE_VECTORS, SENTENCE_OFFSETS, SENTENCE_SPANS, SENTENCE_VECTORS
