"""The retrieval layer: question in, Answer out. Knows nothing of Discord or the command line."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot import ann
from bot.encoder import Encoder, load_encoder
from bot.freshness import corpus_changes
from bot.lexical import LexicalIndex, best_rows
from bot.models import Answer, Hit, IndexInfo, Passage
from bot.question import clean_question
from bot.settings import MODES, Settings
from bot.store import (
    ENCODER,
    FAISS,
    LEXICAL,
    Manifest,
    check_model,
    current_build,
    read_manifest,
    read_passages,
)
from bot.vectors import Vectors

Notify = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass(frozen=True)
class Ranked:
    """A candidate passage (row), its similarity to the question and its best sentence (a span in the passage)."""

    row: int
    score: float
    sentence: tuple[int, int]


class Retriever:
    """Answers questions from one loaded build of the index."""

    def __init__(self, settings: Settings, manifest: Manifest, build: Path, encoder: Encoder, notify: Notify) -> None:
        import faiss

        self.settings = settings
        self.manifest = manifest
        self.encoder = encoder
        self.passages = read_passages(build, manifest.passages)
        self.documents = {entry.info.id: entry.info for entry in manifest.documents}
        self.vectors = Vectors.load(build, mmap=True)
        self.index = faiss.read_index(str(build / FAISS))
        self.lexical = LexicalIndex.load(build / LEXICAL)  # eagerly: a later build may delete this folder
        self.build = build
        changes = corpus_changes(manifest, settings.corpus_dir)
        self.info = IndexInfo(
            built_at=manifest.built_at,
            model=manifest.model,
            documents=len(manifest.documents),
            passages=manifest.passages,
            stale=changes.stale,
            stale_reason=changes.describe() if changes.stale else None,
        )
        if changes.stale:
            notify(f"warning: {changes.describe()}; run `citebot index` to refresh it.")

    @classmethod
    def open(cls, settings: Settings, notify: Notify = _stderr) -> Retriever:
        """Load the current build under `settings.index_dir` with a matching query encoder."""
        build = current_build(settings.index_dir)
        manifest = read_manifest(build)
        check_model(manifest, settings.model)
        encoder = load_query_encoder(settings, build, manifest, notify)
        check_model(manifest, settings.model, encoder.dimension)
        return cls(settings, manifest, build, encoder, notify)

    def ask(self, question: str, k: int | None = None, mode: str | None = None) -> Answer:
        """Answer `question` with up to `k` cited passages (BadQuestion if it is unusable)."""
        text, notices = clean_question(question)
        k = max(1, k or self.settings.top_k)
        query = self.encoder.encode([text])[0]
        ranked = self.rank(text, query, depth=max(50, 5 * k), mode=mode or self.settings.mode)
        hits = tuple(
            Hit(
                passage=self.passages[r.row],
                document=self.documents[self.passages[r.row].doc_id],
                score=round(r.score, 4),
                rank=i,
                highlight=self.passages[r.row].text[r.sentence[0] : r.sentence[1]],
            )
            for i, r in enumerate(self._distinct(ranked, k), start=1)
        )
        answered = bool(hits) and hits[0].score >= self.settings.min_score
        if self.info.stale and self.info.stale_reason:
            notices += (f"The index may be out of date: {self.info.stale_reason}.",)
        return Answer(question=text, answered=answered, hits=hits, index=self.info, notices=notices)

    def rank(self, text: str, query: np.ndarray, depth: int, mode: str) -> list[Ranked]:
        """Candidate passages best first.

        dense: by similarity (`score`); bm25: by BM25; hybrid: the union of both candidate lists,
        ordered by similarity + hybrid_weight * BM25 / (the question's best BM25 score).
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode == "bm25":
            _, rows = self.lexical.search(text, depth)
            return self._score(rows, query)
        _, found = ann.search(self.index, query[None, :], depth)
        rows = found[0][found[0] >= 0]
        if mode == "dense":
            return sorted(self._score(rows, query), key=lambda r: -r.score)
        bm25 = self.lexical.scores(text)
        _, lexical_rows = best_rows(bm25, depth)
        ranked = self._score(np.union1d(rows, lexical_rows).astype(np.int64), query)
        weight = self.settings.hybrid_weight / max(float(bm25.max()), 1e-9)
        return sorted(ranked, key=lambda r: -(r.score + weight * float(bm25[r.row])))

    def _score(self, rows: np.ndarray, query: np.ndarray) -> list[Ranked]:
        """Similarity of each passage: the mean of its cosine and its best sentence's cosine with the question."""
        vectors = self.vectors
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        first, counts = vectors.offsets[rows], vectors.offsets[rows + 1] - vectors.offsets[rows]
        group = np.repeat(np.arange(len(rows)), counts)  # which candidate each sentence belongs to
        sentence_rows = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + first[group]
        sentence_cosines = np.asarray(vectors.sentences[sentence_rows]) @ query
        # best sentence of each candidate: sort by (candidate, -cosine) and take each group's first
        order = np.lexsort((-sentence_cosines, group))
        best = order[np.cumsum(counts) - counts]
        scores = (np.asarray(vectors.passages[rows]) @ query + sentence_cosines[best]) / 2
        spans = np.asarray(vectors.spans[sentence_rows[best]])
        return [
            Ranked(int(row), float(score), (int(start), int(end)))
            for row, score, (start, end) in zip(rows, scores, spans, strict=True)
        ]

    def _distinct(self, ranked: list[Ranked], k: int) -> list[Ranked]:
        """Best-first hits with no two quoting overlapping text. With several documents, a first pass
        takes at most max_hits_per_doc from each; a second fills any places left, best first."""
        chosen: list[Ranked] = []
        cap = self.settings.max_hits_per_doc if len(self.documents) > 1 else k
        for limit in dict.fromkeys((cap, k)):
            per_doc = Counter(self.passages[c.row].doc_id for c in chosen)
            for candidate in ranked:
                passage = self.passages[candidate.row]
                if len(chosen) == k:
                    return chosen
                if per_doc[passage.doc_id] >= limit or any(_overlaps(passage, self.passages[c.row]) for c in chosen):
                    continue
                chosen.append(candidate)
                per_doc[passage.doc_id] += 1
        return chosen


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def load_query_encoder(settings: Settings, build: Path, manifest: Manifest, notify: Notify) -> Encoder:
    """The fast ONNX export stored with the index unless settings ask for sentence-transformers."""
    if settings.encoder == "onnx" and not manifest.encoder_export:
        notify("note: this index has no fast query encoder; loading sentence-transformers.")
    wanted = bool(manifest.encoder_export) and settings.encoder != "sentence-transformers"
    return load_encoder(settings.model, build / ENCODER if wanted else None, notify)
