"""The one small interface between retrieval and an index backend (FAISS files, or a database).

Rows are 0-based passage numbers within one build; every array of scores is float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.index.store import Manifest
from bot.records import DocumentInfo, Passage


class IndexBackend(Protocol):
    """One complete, loaded build of the index, searched by retrieval."""

    @property
    def manifest(self) -> Manifest:
        """What the build holds: documents, passage count, model, when it was built."""
        ...

    @property
    def passages(self) -> Sequence[Passage]:
        """Row -> passage."""
        ...

    @property
    def documents(self) -> dict[str, DocumentInfo]:
        """Document id -> what a citation needs."""
        ...

    @property
    def encoder_export(self) -> Path | None:
        """The build's exported query encoder, if it has one."""
        ...

    def close(self) -> None:
        """Let go of the build (a later build may then remove it)."""
        ...

    def dense_search(self, query: np.ndarray, depth: int) -> np.ndarray:
        """Up to `depth` rows whose passage vectors are nearest to `query`."""
        ...

    def lexical_scores(self, text: str) -> np.ndarray:
        """The BM25 score of every row for `text` (0 where no term matches)."""
        ...

    def similarity(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Each row's similarity: the mean of its passage's and its best sentence's cosine with `query`."""
        ...

    def best_sentence(self, row: int, query: np.ndarray) -> tuple[int, int]:
        """The span, within the passage, of its sentence most similar to `query`."""
        ...
