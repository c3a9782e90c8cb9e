"""The default backend: one published build of FAISS, numpy and BM25 files under the index folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.index import dense
from bot.index.lexical import LexicalIndex
from bot.index.store import ENCODER, FAISS, LEXICAL, Manifest, current_build, read_manifest, read_passages
from bot.index.vectors import Vectors


class FileIndex:
    """A build loaded from disk (an IndexBackend). Vectors are memory-mapped; the rest is read at once."""

    def __init__(self, build: Path, manifest: Manifest) -> None:
        import faiss

        self.build = build
        self.manifest = manifest
        self.passages = read_passages(build, manifest.passages)
        self.documents = {entry.info.id: entry.info for entry in manifest.documents}
        self.encoder_export = build / ENCODER if manifest.encoder_export else None
        self.vectors = Vectors.load(build, mmap=True)
        self.index = faiss.read_index(str(build / FAISS))
        self.lexical = LexicalIndex.load(build / LEXICAL)  # eagerly: a later build may delete this folder

    @classmethod
    def open(cls, index_dir: Path) -> FileIndex:
        """The current build under `index_dir` (IndexMissing, IndexCorrupt)."""
        build = current_build(index_dir)
        return cls(build, read_manifest(build))

    def dense_search(self, query: np.ndarray, depth: int) -> np.ndarray:
        _, found = dense.search(self.index, query[None, :], depth)
        return found[0][found[0] >= 0].astype(np.int64)

    def lexical_scores(self, text: str) -> np.ndarray:
        return self.lexical.scores(text)

    def similarity(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        vectors = self.vectors
        if not len(rows):
            return np.empty(0, dtype=np.float32)
        first, counts = vectors.offsets[rows], vectors.offsets[rows + 1] - vectors.offsets[rows]
        starts = np.cumsum(counts) - counts  # where each candidate's sentences begin in the gathered block
        sentence_rows = np.arange(int(counts.sum())) - np.repeat(starts, counts) + np.repeat(first, counts)
        best = np.maximum.reduceat(np.asarray(vectors.sentences[sentence_rows]) @ query, starts)
        return ((np.asarray(vectors.passages[rows]) @ query + best) / 2).astype(np.float32)

    def best_sentence(self, row: int, query: np.ndarray) -> tuple[int, int]:
        first, last = int(self.vectors.offsets[row]), int(self.vectors.offsets[row + 1])
        best = first + int(np.argmax(np.asarray(self.vectors.sentences[first:last]) @ query))
        start, end = self.vectors.spans[best]
        return int(start), int(end)
