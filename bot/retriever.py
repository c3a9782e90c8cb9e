"""The retrieval layer: question in, Answer out. Knows nothing of Discord or the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot import ann
from bot.encoder import Encoder
from bot.freshness import corpus_changes
from bot.highlight import best_sentences
from bot.models import Answer, DocumentInfo, Hit, IndexInfo, Passage
from bot.question import clean_question
from bot.settings import Settings
from bot.store import (
    ENCODER,
    FAISS,
    LEXICAL,
    VECTORS,
    Manifest,
    check_model,
    current_build,
    read_manifest,
    read_passages,
)

MODES = ("dense", "bm25", "hybrid")
RRF_K = 60
Notify = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass(frozen=True)
class Ranked:
    """A candidate passage (row) and its cosine similarity to the question."""

    row: int
    cosine: float


class Retriever:
    """Answers questions from one loaded build of the index."""

    def __init__(self, settings: Settings, manifest: Manifest, build: Path, encoder: Encoder, notify: Notify) -> None:
        import faiss

        self.settings = settings
        self.manifest = manifest
        self.encoder = encoder
        self.passages = read_passages(build)
        self.documents = {entry.info.id: entry.info for entry in manifest.documents}
        self.vectors = np.load(build / VECTORS, mmap_mode="r")
        self.index = faiss.read_index(str(build / FAISS))
        self._lexical: Any = None
        self._build = build
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

    @property
    def lexical(self) -> Any:
        """The BM25 index, loaded on first use (dense-only queries never pay for it)."""
        if self._lexical is None:
            from bot.lexical import LexicalIndex

            self._lexical = LexicalIndex.load(self._build / LEXICAL)
        return self._lexical

    def ask(self, question: str, k: int | None = None, mode: str | None = None) -> Answer:
        """Answer `question` with up to `k` cited passages (BadQuestion if it is unusable)."""
        text, notices = clean_question(question)
        k = max(1, k or self.settings.top_k)
        query = self.encoder.encode([text])[0]
        ranked = self.rank(text, query, depth=max(50, 5 * k), mode=mode or self.settings.mode)
        chosen = self._distinct(ranked, k)
        highlights = best_sentences(self.encoder, query, [self.passages[r.row] for r in chosen])
        hits = tuple(
            Hit(
                passage=self.passages[r.row],
                document=self._document(self.passages[r.row]),
                score=round(r.cosine, 4),
                rank=i,
                highlight=highlight,
            )
            for i, (r, highlight) in enumerate(zip(chosen, highlights, strict=True), start=1)
        )
        answered = bool(hits) and hits[0].score >= self.settings.min_score
        if self.info.stale and self.info.stale_reason:
            notices += (f"The index may be out of date: {self.info.stale_reason}.",)
        return Answer(question=text, answered=answered, hits=hits, index=self.info, notices=notices)

    def rank(self, text: str, query: np.ndarray, depth: int, mode: str) -> list[Ranked]:
        """Candidate rows best first: dense, BM25, or the two fused by reciprocal rank."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        lists = []
        if mode in ("dense", "hybrid"):
            _, rows = ann.search(self.index, query[None, :], depth)
            lists.append([int(r) for r in rows[0] if r >= 0])
        if mode in ("bm25", "hybrid"):
            _, rows = self.lexical.search(text, depth)
            lists.append([int(r) for r in rows])
        order = lists[0] if len(lists) == 1 else fuse(lists)
        cosines = np.asarray(self.vectors[order]) @ query if order else np.empty(0)
        return [Ranked(row, float(c)) for row, c in zip(order, cosines, strict=True)]

    def _distinct(self, ranked: list[Ranked], k: int) -> list[Ranked]:
        """Best-first hits with no two quoting overlapping text and at most max_hits_per_doc per document."""
        chosen: list[Ranked] = []
        per_doc: dict[str, int] = {}
        for candidate in ranked:
            passage = self.passages[candidate.row]
            if per_doc.get(passage.doc_id, 0) >= self.settings.max_hits_per_doc:
                continue
            if any(_overlaps(passage, self.passages[c.row]) for c in chosen):
                continue
            chosen.append(candidate)
            per_doc[passage.doc_id] = per_doc.get(passage.doc_id, 0) + 1
            if len(chosen) == k:
                break
        return chosen

    def _document(self, passage: Passage) -> DocumentInfo:
        return self.documents[passage.doc_id]


def fuse(lists: list[list[int]], k: int = RRF_K) -> list[int]:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the lists; ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in lists:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda row: -scores[row])


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def load_query_encoder(settings: Settings, build: Path, manifest: Manifest, notify: Notify) -> Encoder:
    """The fast ONNX export stored with the index when usable; else sentence-transformers, with a notice."""
    if settings.encoder != "sentence-transformers" and manifest.encoder_export:
        try:
            from bot.onnx_encoder import OnnxEncoder

            return OnnxEncoder(build / ENCODER)
        except Exception as exc:  # a broken export costs speed, not answers
            notify(f"note: the fast query encoder is unusable ({exc}); loading sentence-transformers.")
    elif settings.encoder == "onnx":
        notify("note: this index has no fast query encoder; loading sentence-transformers.")
    from bot.st_encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(settings.model)
