"""The retrieval layer: question in, Answer out. Knows nothing of Discord or the command line."""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from bot.corpus.freshness import corpus_changes
from bot.corpus.splitting import CUT_RULES
from bot.encoders.base import Encoder
from bot.encoders.factory import load_encoder
from bot.errors import IndexCorrupt, Remedy
from bot.index.backend import IndexBackend
from bot.index.open import open_backend
from bot.index.store import OUTDATED_CUT, check_model, outdated_cut
from bot.records import Answer, Hit, IndexInfo, Passage
from bot.retrieval.answer_kind import wanted_kind
from bot.retrieval.citation import passage_url, with_url
from bot.retrieval.config import RetrievalConfig
from bot.retrieval.mode import Mode
from bot.retrieval.question import clean_question
from bot.retrieval.ranking import RANKERS, Ranking

log = logging.getLogger(__name__)
SCORE_SLACK = 1e-3  # float32 rounding of a cosine of unit vectors; beyond it a score is impossible
EMPTY_INDEX = "The index holds no passages; put documents with text in the corpus and build the index again."


class Retriever:
    """Answers questions from one loaded build of the index."""

    def __init__(self, config: RetrievalConfig, index: IndexBackend, encoder: Encoder) -> None:
        self.config = config
        self.index = index
        self.manifest = index.manifest
        self.encoder = encoder
        self.passages = index.passages
        self.documents = (
            {doc_id: with_url(info, config.source_url) for doc_id, info in index.documents.items()}
            if config.source_url
            else index.documents
        )
        changes = corpus_changes(
            self.manifest.fingerprints(),
            self.manifest.skipped,
            config.corpus_dir,
            config.include,
            config.exclude,
            config.follow_links,
        )
        self.info = IndexInfo(
            built_at=self.manifest.built_at,
            model=self.manifest.model,
            documents=len(self.manifest.documents),
            passages=self.manifest.passages,
            stale=changes.stale,
            stale_reason=changes.describe() if changes.stale else None,
        )
        if changes.stale:
            log.warning("%s", changes.describe(), extra={"remedy": Remedy.REFRESH})
        if outdated_cut(self.manifest, CUT_RULES):
            log.warning("%s", OUTDATED_CUT, extra={"remedy": Remedy.REFRESH})

    @classmethod
    def open(cls, config: RetrievalConfig, verify: str = "quick") -> Retriever:
        """Load the current build under `config.index_dir` with a matching query encoder, holding a lease
        on it so that no later build deletes it. `verify="full"` checks every file's checksum
        (see bot.index.store.verify_files)."""
        index = open_backend(config.index_dir, config.database, verify)
        try:
            check_model(index.manifest, config.model)
            encoder = load_query_encoder(config, index)
            check_model(index.manifest, config.model, encoder.dimension)
            return cls(config, index, encoder)
        except BaseException:
            index.close()
            raise

    def close(self) -> None:
        """Give up the lease on the build (a later build may then delete it); the retriever keeps working
        from what it loaded and mapped, as long as the files are not replaced under it."""
        self.index.close()

    def ask(self, question: str, k: int | None = None, mode: Mode | str | None = None) -> Answer:
        """Answer `question` with up to `k` cited passages (BadQuestion if it is unusable)."""
        text, notices = clean_question(question)
        k = max(1, k or self.config.top_k)
        if not len(self.passages):
            return Answer(question=text, answered=False, hits=(), index=self.info, notices=(*notices, EMPTY_INDEX))
        query = self.encoder.encode([text])[0]
        ranking = self.rank(text, query, depth=max(50, 5 * k), mode=mode or self.config.mode)
        self._refuse_impossible(query, ranking.scores)
        chosen = [(self.passages[row], row, round(score, 4)) for row, score in self._distinct(ranking, k)]
        kind = wanted_kind(text)
        states = [kind is None or kind.stated_in(passage.text) for passage, _, _ in chosen]
        answered = bool(chosen) and is_answered(chosen[0][2], self.config.min_score, states[0])
        hits = tuple(
            Hit(
                passage=passage,
                document=self.documents[passage.doc_id],
                score=score,
                rank=i,
                highlight=passage.text[slice(*self.index.best_sentence(row, query))],
                caveat=None if answered else "low confidence" if stated else "not an answer",
                url=passage_url(self.documents[passage.doc_id].url, passage),
            )
            for i, ((passage, row, score), stated) in enumerate(zip(chosen, states, strict=True), start=1)
        )
        # The missing figure is the reason given only when the score alone would have answered.
        lacks = kind.name if kind and hits and not states[0] and hits[0].score >= self.config.min_score else None
        if self.info.stale and self.info.stale_reason:
            notices += (f"The index may be out of date: {self.info.stale_reason}.",)
        return Answer(question=text, answered=answered, hits=hits, index=self.info, notices=notices, lacks=lacks)

    def _refuse_impossible(self, query: np.ndarray, scores: np.ndarray) -> None:
        """A cosine outside [-1, 1], or not a number, means a damaged file: never an answer."""
        where = self.config.index_dir
        if not np.isfinite(query).all():
            raise IndexCorrupt(f"The query encoder of the index in {where} gives no vector", Remedy.REBUILD)
        impossible = scores[~(np.abs(scores) <= 1 + SCORE_SLACK)]  # NaN fails the comparison too
        if len(impossible):
            raise IndexCorrupt(
                f"The index in {where} gives an impossible similarity ({float(impossible[0]):.3g}): a file is damaged",
                Remedy.REBUILD,
            )

    def rank(self, text: str, query: np.ndarray, depth: int, mode: Mode | str) -> Ranking:
        """Candidate passages best first, by the ranking function of `mode` (bot.retrieval.ranking)."""
        return RANKERS[Mode(mode)](self.index, text, query, depth, self.config.hybrid_weight)

    def _distinct(self, ranking: Ranking, k: int) -> list[tuple[int, float]]:
        """Best-first (row, score) hits with no two quoting overlapping text. With several documents, a
        first pass takes at most max_hits_per_doc from each; a second fills any places left, best first."""
        chosen: list[tuple[int, float]] = []
        cap = self.config.max_hits_per_doc if len(self.documents) > 1 else k
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


def load_query_encoder(config: RetrievalConfig, index: IndexBackend) -> Encoder:
    """The fast ONNX export stored with the index unless the config asks for sentence-transformers."""
    if config.encoder == "onnx" and index.encoder_export is None:
        log.info("this index has no fast query encoder; loading sentence-transformers.")
    wanted = index.encoder_export is not None and config.encoder != "sentence-transformers"
    return load_encoder(config.model, index.encoder_export if wanted else None)
