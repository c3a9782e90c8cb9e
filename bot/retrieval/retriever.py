"""The retrieval layer: question in, Answer out. Knows nothing of Discord or the command line."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config import MODES, Settings
from bot.corpus.freshness import corpus_changes
from bot.corpus.splitting import CUT_RULES
from bot.encoders.base import Encoder
from bot.encoders.factory import load_encoder
from bot.errors import IndexBusy, IndexCorrupt
from bot.index import dense as ann
from bot.index.lexical import best_rows
from bot.index.loaded import load_build
from bot.index.locks import Lease, take_lease
from bot.index.store import (
    ENCODER,
    OUTDATED_CUT,
    REBUILD_HINT,
    Manifest,
    check_model,
    current_build,
    outdated_cut,
    read_manifest,
)
from bot.records import Answer, Hit, IndexInfo, Passage
from bot.retrieval.answer_kind import wanted_kind
from bot.retrieval.question import clean_question

Notify = Callable[[str], None]
OPEN_ATTEMPTS = 5  # CURRENT may change between reading it and taking the lease: read it again
SCORE_SLACK = 1e-3  # float32 rounding of a cosine of unit vectors; beyond it a score is impossible
EMPTY_INDEX = "The index holds no passages; put documents with text in the corpus and run `citebot index`."


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


@dataclass(frozen=True)
class Ranking:
    """Candidate passages best first: their rows and their similarity to the question (the shown score)."""

    rows: np.ndarray  # int64
    scores: np.ndarray  # float32, same length


class Retriever:
    """Answers questions from one loaded build of the index."""

    def __init__(self, settings: Settings, manifest: Manifest, build: Path, encoder: Encoder, notify: Notify) -> None:
        self.settings = settings
        self.manifest = manifest
        self.encoder = encoder
        loaded = load_build(build, manifest)  # every file eagerly, or mapped: a later build may delete this folder
        self.passages = loaded.passages
        self.documents = {entry.info.id: entry.info for entry in manifest.documents}
        self.vectors = loaded.vectors
        self.index = loaded.index
        self.lexical = loaded.lexical
        self.build = build
        self.lease: Lease | None = None  # held while this retriever may read the build (see Retriever.open)
        changes = corpus_changes(manifest, settings.corpus_dir, settings.follow_links)
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
        if outdated_cut(manifest, CUT_RULES):
            notify(f"warning: {OUTDATED_CUT}; run `citebot index` to refresh it.")

    @classmethod
    def open(cls, settings: Settings, notify: Notify = _stderr, verify: str = "quick") -> Retriever:
        """Load the current build under `settings.index_dir` with a matching query encoder, holding a
        lease on it so that no later build deletes it. `verify="full"` checks every file's checksum
        (see bot.index.store.verify_files)."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                build = current_build(settings.index_dir)
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
                manifest = read_manifest(build, verify)
                check_model(manifest, settings.model)
                encoder = load_query_encoder(settings, build, manifest, notify)
                check_model(manifest, settings.model, encoder.dimension)
                retriever = cls(settings, manifest, build, encoder, notify)
            except BaseException:
                lease.release()
                raise
            retriever.lease = lease
            return retriever
        raise IndexBusy(f"The index in {settings.index_dir} changed repeatedly while being opened; try again.")

    def close(self) -> None:
        """Give up the lease on the build (a later build may then delete it); the retriever keeps working
        from what it loaded and mapped, as long as the files are not replaced under it."""
        if self.lease is not None:
            self.lease.release()

    def ask(self, question: str, k: int | None = None, mode: str | None = None) -> Answer:
        """Answer `question` with up to `k` cited passages (BadQuestion if it is unusable)."""
        text, notices = clean_question(question)
        k = max(1, k or self.settings.top_k)
        if not len(self.passages):
            return Answer(question=text, answered=False, hits=(), index=self.info, notices=(*notices, EMPTY_INDEX))
        query = self.encoder.encode([text])[0]
        ranking = self.rank(text, query, depth=max(50, 5 * k), mode=mode or self.settings.mode)
        self._refuse_impossible(query, ranking.scores)
        chosen = [(self.passages[row], row, round(score, 4)) for row, score in self._distinct(ranking, k)]
        kind = wanted_kind(text)
        states = [kind is None or kind.stated_in(passage.text) for passage, _, _ in chosen]
        answered = bool(chosen) and is_answered(chosen[0][2], self.settings.min_score, states[0])
        hits = tuple(
            Hit(
                passage=passage,
                document=self.documents[passage.doc_id],
                score=score,
                rank=i,
                highlight=passage.text[slice(*self._best_sentence(row, query))],
                caveat=None if answered else "low confidence" if stated else "not an answer",
            )
            for i, ((passage, row, score), stated) in enumerate(zip(chosen, states, strict=True), start=1)
        )
        # The missing figure is the reason given only when the score alone would have answered.
        lacks = kind.name if kind and hits and not states[0] and hits[0].score >= self.settings.min_score else None
        if self.info.stale and self.info.stale_reason:
            notices += (f"The index may be out of date: {self.info.stale_reason}.",)
        return Answer(question=text, answered=answered, hits=hits, index=self.info, notices=notices, lacks=lacks)

    def _refuse_impossible(self, query: np.ndarray, scores: np.ndarray) -> None:
        """A cosine outside [-1, 1], or not a number, means a damaged file: never an answer."""
        if not np.isfinite(query).all():
            raise IndexCorrupt(f"The query encoder of the index in {self.build} gives no vector; {REBUILD_HINT}.")
        impossible = scores[~(np.abs(scores) <= 1 + SCORE_SLACK)]  # NaN fails the comparison too
        if len(impossible):
            raise IndexCorrupt(
                f"The index in {self.build} gives an impossible similarity ({float(impossible[0]):.3g}): "
                f"a file is damaged; {REBUILD_HINT}."
            )

    def rank(self, text: str, query: np.ndarray, depth: int, mode: str) -> Ranking:
        """Candidate passages best first.

        dense: by similarity; bm25: by BM25; hybrid: the union of both candidate lists, ordered by
        similarity + hybrid_weight * BM25 / (the question's best BM25 score).
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if mode == "bm25":
            _, rows = self.lexical.search(text, depth)
            return Ranking(rows, self._similarity(rows, query))
        _, found = ann.search(self.index, query[None, :], depth)
        rows = found[0][found[0] >= 0].astype(np.int64)
        if mode == "dense":
            similarity = self._similarity(rows, query)
            order = np.argsort(-similarity, kind="stable")
            return Ranking(rows[order], similarity[order])
        bm25 = self.lexical.scores(text)
        _, lexical_rows = best_rows(bm25, depth)
        rows = np.union1d(rows, lexical_rows).astype(np.int64)
        similarity = self._similarity(rows, query)
        weight = self.settings.hybrid_weight / max(float(bm25.max(initial=0.0)), 1e-9)
        order = np.argsort(-(similarity + weight * bm25[rows]), kind="stable")
        return Ranking(rows[order], similarity[order])

    def _similarity(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Similarity of each passage: the mean of its cosine and its best sentence's cosine with the question."""
        vectors = self.vectors
        if not len(rows):
            return np.empty(0, dtype=np.float32)
        first, counts = vectors.offsets[rows], vectors.offsets[rows + 1] - vectors.offsets[rows]
        starts = np.cumsum(counts) - counts  # where each candidate's sentences begin in the gathered block
        sentence_rows = np.arange(int(counts.sum())) - np.repeat(starts, counts) + np.repeat(first, counts)
        best = np.maximum.reduceat(np.asarray(vectors.sentences[sentence_rows]) @ query, starts)
        return ((np.asarray(vectors.passages[rows]) @ query + best) / 2).astype(np.float32)

    def _best_sentence(self, row: int, query: np.ndarray) -> tuple[int, int]:
        """The span (in the passage) of the passage's sentence most similar to the question."""
        first, last = int(self.vectors.offsets[row]), int(self.vectors.offsets[row + 1])
        best = first + int(np.argmax(np.asarray(self.vectors.sentences[first:last]) @ query))
        start, end = self.vectors.spans[best]
        return int(start), int(end)

    def _distinct(self, ranking: Ranking, k: int) -> list[tuple[int, float]]:
        """Best-first (row, score) hits with no two quoting overlapping text. With several documents, a
        first pass takes at most max_hits_per_doc from each; a second fills any places left, best first."""
        chosen: list[tuple[int, float]] = []
        cap = self.settings.max_hits_per_doc if len(self.documents) > 1 else k
        for limit in dict.fromkeys((cap, k)):
            per_doc = Counter(self.passages[row].doc_id for row, _ in chosen)
            for row, score in zip(ranking.rows.tolist(), ranking.scores.tolist(), strict=True):
                passage = self.passages[row]
                if len(chosen) == k:
                    return chosen
                if per_doc[passage.doc_id] >= limit or any(_overlaps(passage, self.passages[c]) for c, _ in chosen):
                    continue
                chosen.append((row, score))
                per_doc[passage.doc_id] += 1
        return chosen


def is_answered(score: float, min_score: float, figure_stated: bool) -> bool:
    """The rule for a confident answer: the first passage scores at least `min_score` and states the
    figure the question asks for, if it asks for one (bot.retrieval.answer_kind)."""
    return score >= min_score and figure_stated


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end


def load_query_encoder(settings: Settings, build: Path, manifest: Manifest, notify: Notify) -> Encoder:
    """The fast ONNX export stored with the index unless settings ask for sentence-transformers."""
    if settings.encoder == "onnx" and not manifest.encoder_export:
        notify("note: this index has no fast query encoder; loading sentence-transformers.")
    wanted = bool(manifest.encoder_export) and settings.encoder != "sentence-transformers"
    return load_encoder(settings.model, build / ENCODER if wanted else None, notify)
