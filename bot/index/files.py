"""The default backend: one published build of FAISS, numpy and BM25 files under the index folder."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bot.errors import IndexBusy, IndexCorrupt
from bot.index import dense
from bot.index.loaded import load_build
from bot.index.locks import Lease, take_lease
from bot.index.store import ENCODER, Manifest, current_build, read_manifest

OPEN_ATTEMPTS = 5  # CURRENT may change between reading it and taking the lease: read it again


class FileIndex:
    """A build loaded from disk (an IndexBackend): every file checked and loaded at once, vectors
    memory-mapped, so answering goes on even after a later build is published."""

    def __init__(self, build: Path, manifest: Manifest, lease: Lease | None = None) -> None:
        loaded = load_build(build, manifest)
        self.build = build
        self.manifest = manifest
        self.passages = loaded.passages
        self.documents = {entry.info.id: entry.info for entry in manifest.documents}
        self.encoder_export = build / ENCODER if manifest.encoder_export else None
        self.vectors = loaded.vectors
        self.index = loaded.index
        self.lexical = loaded.lexical
        self.lease = lease  # held while this process may read the build (bot.index.locks)

    @classmethod
    def open(cls, index_dir: Path, verify: str = "quick") -> FileIndex:
        """The current build under `index_dir`, with a lease on it (IndexMissing, IndexCorrupt, IndexBusy).
        `verify="full"` checks every file against its checksum (bot.index.store.read_manifest)."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                build = current_build(index_dir)
            except IndexCorrupt:  # CURRENT may name a build deleted since: read it again, then believe it
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
            lease = take_lease(build)
            if lease is None:  # deleted meanwhile: CURRENT names a newer build now
                time.sleep(0.05 * (attempt + 1))
                continue
            try:
                return cls(build, read_manifest(build, verify), lease)
            except BaseException:
                lease.release()
                raise
        raise IndexBusy(f"The index in {index_dir} changed repeatedly while being opened; try again.")

    def close(self) -> None:
        if self.lease is not None:
            self.lease.release()

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
