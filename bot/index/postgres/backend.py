"""PostgresIndex: one generation of the index in Postgres, searched as an IndexBackend.

Dense search is pgvector's (exact, or HNSW above a measured size: see build.py); BM25 scores are
computed in numpy from the same per-term weights the file backend keeps (bot/index/lexical.py),
stored as postings in a table; the similarity of a candidate (mean of its passage's and its best
sentence's cosine) is computed here from the stored vectors exactly as FileIndex computes it. So both
backends give the same passages in the same order.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import IndexCorrupt, Remedy
from bot.index.lexical import Analyzer, Bm25Params
from bot.index.postgres.connect import EF_SEARCH, Database
from bot.index.postgres.encoders import materialise
from bot.index.postgres.generations import data_schema, leases, q, require_current
from bot.index.store import DocumentEntry, LazyPassages, Manifest
from bot.records import DocumentInfo, Passage

_EF_SET: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()  # connection -> its hnsw.ef_search
CACHE_ROWS = 50_000  # passages (and their sentences) kept in memory per generation
BLOCK = 64  # passages fetched together when one is read that no search brought in
HNSW = "HNSW"  # how `Manifest.ann` names a generation searched through an HNSW index


class PostgresIndex:
    """A published generation (an IndexBackend). Rows are read on demand and cached."""

    def __init__(self, db: Database, generation: int, cache_dir: Path) -> None:
        self.db = db
        self.generation = generation
        self.schema = q(data_schema(db, generation))
        leases(db).hold(self, generation)  # before the first read: the generation stays while we use it
        self.manifest = read_manifest(db, generation)
        with db.cursor() as cur:
            bm25 = cur.execute(f"SELECT params, num_docs, stopwords FROM {self.schema}.bm25").fetchone()
        assert bm25 is not None
        self.documents = {entry.info.id: entry.info for entry in self.manifest.documents}
        self.exact = not self.manifest.ann.startswith(HNSW)
        self.encoder_export = (
            materialise(db, self.manifest.encoder_export, cache_dir) if self.manifest.encoder_export else None
        )
        params, self.num_docs, stopwords = bm25
        self.analyzer = Analyzer(frozenset(stopwords), Bm25Params(**params).language)
        self.passages = PassageRows(self)
        self._sentences: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, db: Database, cache_dir: Path) -> PostgresIndex:
        """The current generation (IndexMissing before the first build)."""
        return cls(db, require_current(db), cache_dir)

    def close(self) -> None:
        """Nothing to release now: the lease on the generation ends when this object is collected."""

    def dense_search(self, query: np.ndarray, depth: int) -> np.ndarray:
        order = "embedding <#> %s, row" if self.exact else "embedding <#> %s"  # a second key would bypass HNSW
        if not self.exact:
            self._widen_search(depth)
        with self.db.cursor(binary=True) as cur:
            rows = cur.execute(
                f"SELECT row FROM {self.schema}.passages ORDER BY {order} LIMIT %s", (query, depth)
            ).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def lexical_scores(self, text: str) -> np.ndarray:
        terms = self.analyzer(text)
        result = np.zeros(self.num_docs, dtype=np.float32)
        if not terms:
            return result
        with self.db.cursor(binary=True) as cur:
            found = cur.execute(
                f"SELECT term, rows, weights FROM {self.schema}.bm25_terms WHERE term = ANY(%s)",
                (sorted(set(terms)),),
            ).fetchall()
        postings = {
            term: (np.frombuffer(rows, dtype="<i4"), np.frombuffer(weights, dtype="<f4"))
            for term, rows, weights in found
        }
        for term in terms:  # in the question's order, repeats again: the sum bm25s (and LexicalIndex) makes
            if term in postings:
                rows, weights = postings[term]
                np.add.at(result, rows, weights)
        return result

    def similarity(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.empty(0, dtype=np.float32)
        wanted = [int(r) for r in rows]
        passages, sentences = self._vectors(wanted)
        counts = np.array([len(sentences[r][1]) for r in wanted], dtype=np.int64)
        starts = np.cumsum(counts) - counts
        block = np.concatenate([sentences[r][1] for r in wanted])
        best = np.maximum.reduceat(block @ query, starts)
        matrix = np.stack([passages[r] for r in wanted])
        return ((matrix @ query + best) / 2).astype(np.float32)

    def best_sentence(self, row: int, query: np.ndarray) -> tuple[int, int]:
        spans, vectors = self._sentence_rows([row])[row]
        best = int(np.argmax(vectors @ query))
        return int(spans[best][0]), int(spans[best][1])

    def _widen_search(self, depth: int) -> None:
        """HNSW returns at most hnsw.ef_search rows: make it at least `depth` on this thread's connection."""
        conn = self.db.conn()
        wanted = max(EF_SEARCH, depth)
        if _EF_SET.get(conn, EF_SEARCH) != wanted:
            conn.execute(f"SET hnsw.ef_search = {int(wanted)}")
            _EF_SET[conn] = wanted

    # reading rows

    def _vectors(self, rows: list[int]) -> tuple[dict[int, np.ndarray], dict[int, tuple[np.ndarray, np.ndarray]]]:
        """Passage vectors and (spans, sentence vectors) of `rows`; their passages are cached on the way."""
        missing = [r for r in rows if not self.passages.cached(r)]
        with self.db.cursor(binary=True) as cur:
            found = cur.execute(
                f"SELECT row, embedding, CASE WHEN row = ANY(%s) THEN passage END "
                f"FROM {self.schema}.passages WHERE row = ANY(%s)",
                (missing, rows),
            ).fetchall()
        passages = {}
        for row, vector, passage in found:
            passages[row] = vector
            if passage is not None:
                self.passages.remember(row, passage)
        return passages, self._sentence_rows(rows)

    def _sentence_rows(self, rows: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        result: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        with self._lock:
            for row in rows:
                if row in self._sentences:
                    result[row] = self._sentences[row]
                    self._sentences.move_to_end(row)
        missing = sorted(set(rows) - result.keys())
        if missing:
            with self.db.cursor(binary=True) as cur:
                found = cur.execute(
                    f"SELECT row, start, stop, embedding FROM {self.schema}.sentences WHERE row = ANY(%s) "
                    "ORDER BY row, position",
                    (missing,),
                ).fetchall()
            grouped: dict[int, list[tuple[int, int, np.ndarray]]] = {}
            for row, start, stop, vector in found:
                grouped.setdefault(row, []).append((start, stop, vector))
            with self._lock:
                for row, items in grouped.items():
                    spans = np.array([(a, b) for a, b, _ in items], dtype=np.int32)
                    entry = (spans, np.stack([v for _, _, v in items]))
                    result[row] = self._sentences[row] = entry
                while len(self._sentences) > CACHE_ROWS:
                    self._sentences.popitem(last=False)
        return result


def read_manifest(db: Database, generation: int) -> Manifest:
    """The manifest of a published generation, its documents read from the generation's table."""
    with db.cursor() as cur:
        found = cur.execute(f"SELECT manifest FROM {q(db.schema)}.generations WHERE id = %s", (generation,)).fetchone()
        documents = cur.execute(
            f"SELECT info, content_hash, size, mtime_ns, first, last FROM {q(data_schema(db, generation))}.documents "
            "ORDER BY position"
        ).fetchall()
    if found is None or found[0] is None:
        raise IndexCorrupt(f"Generation {generation} of the index in {db.config.shown} is gone", Remedy.REBUILD)
    raw = dict(found[0])
    raw["documents"] = [asdict(DocumentEntry(DocumentInfo(**info), *rest)) for info, *rest in documents]
    return Manifest.from_json(json.dumps(raw))


def describe(db: Database, generation: int) -> str:
    """Where a generation is, for `info`: the database (no password), schema and generation."""
    return f"{db.config.shown} (schema {db.schema}, generation {generation})"


class PassageRows(LazyPassages):
    """Row -> Passage, read from the generation on first use (a block at a time) and kept."""

    def __init__(self, index: PostgresIndex) -> None:
        self._index = index
        self._count = index.manifest.passages
        self._cache: OrderedDict[int, Passage] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._count

    def cached(self, row: int) -> bool:
        return row in self._cache

    def remember(self, row: int, raw: dict[str, Any]) -> None:
        with self._lock:
            self._cache[row] = Passage.from_json(raw)
            while len(self._cache) > CACHE_ROWS:
                self._cache.popitem(last=False)

    def _prefetch(self, rows: range) -> None:
        self._fetch([r for r in rows if r not in self._cache])

    def _read(self, row: int) -> Passage:
        passage = self._cache.get(row)
        if passage is None:
            first = row - row % BLOCK
            self._fetch(list(range(first, min(first + BLOCK, self._count))))
            passage = self._cache[row]
        return passage

    def __iter__(self) -> Iterator[Passage]:
        for first in range(0, self._count, 4 * BLOCK):
            yield from self[first : first + 4 * BLOCK]

    def _fetch(self, rows: list[int]) -> None:
        if not rows:
            return
        with self._index.db.cursor(binary=True) as cur:
            found = cur.execute(
                f"SELECT row, passage FROM {self._index.schema}.passages WHERE row = ANY(%s)", (rows,)
            ).fetchall()
        for row, raw in found:
            self.remember(row, raw)
