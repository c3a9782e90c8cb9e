"""BM25 over passage texts: built with bm25s, searched with numpy alone.

The index is bm25s's "eager" one (Lucene BM25, k1=1.5, b=0.75, English stopwords and the
Snowball English stemmer, as in MTEB's bm25s baseline): a CSC matrix whose column for a term
holds the precomputed BM25 weight of that term in each document containing it. A query's
score is the sum of the columns of its terms (repeated terms count again, as in bm25s).

`import bm25s` also imports numba, scipy and tqdm (about 0.3 s), so it happens only in
`build`. Loading a saved index and searching it needs numpy, PyStemmer and the standard
library: the query analyzer below reproduces `bm25s.tokenize` and the saved index carries
the stopword list it was built with.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import IndexCorrupt, IndexMissing

FORMAT = "citebot-bm25"
FORMAT_VERSION = 1
META_FILE = "bm25.json"
ARRAYS_FILE = "bm25.npz"
# bm25s's default token pattern (scikit-learn's): runs of two or more word characters.
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Bm25Params:
    """BM25 settings recorded with the index."""

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"
    language: str = "english"  # Snowball stemmer (PyStemmer)


class Analyzer:
    """Text -> terms, as `bm25s.tokenize(text, stopwords=..., stemmer=Stemmer(language))`.

    Lowercase, split on TOKEN_PATTERN, drop stopwords (compared before stemming), stem.
    """

    def __init__(self, stopwords: frozenset[str], language: str = "english") -> None:
        import Stemmer  # PyStemmer: a small C extension, cheap to import

        self.stopwords = stopwords
        self.language = language
        self._stem_words = Stemmer.Stemmer(language).stemWords

    def __call__(self, text: str) -> list[str]:
        words = [word for word in TOKEN_PATTERN.findall(text.lower()) if word not in self.stopwords]
        return list(self._stem_words(words)) if words else []


class LexicalIndex:
    """A BM25 index over a list of texts; rows are the positions of the texts in that list."""

    def __init__(
        self,
        *,
        vocab: Sequence[str],
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        num_docs: int,
        stopwords: frozenset[str],
        params: Bm25Params,
    ) -> None:
        """Wrap CSC arrays: column j (term vocab[j]) is data/indices[indptr[j]:indptr[j + 1]]."""
        self.vocab = list(vocab)
        self._term_ids = {term: column for column, term in enumerate(self.vocab)}
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.num_docs = num_docs
        self.params = params
        self.analyzer = Analyzer(stopwords, params.language)

    def __len__(self) -> int:
        return self.num_docs

    @classmethod
    def build(cls, texts: Sequence[str], params: Bm25Params | None = None) -> LexicalIndex:
        """Index `texts` (one row each, in order) with bm25s."""
        import bm25s  # heavy (numba, scipy): only index building pays for it
        from bm25s.stopwords import STOPWORDS_EN

        params = params or Bm25Params()
        if params.language != "english":
            raise ValueError("Only English stopwords are wired in; use language='english'.")
        analyzer = Analyzer(frozenset(STOPWORDS_EN), params.language)
        tokenized = [analyzer(text) for text in texts]
        vocab = sorted({term for terms in tokenized for term in terms})  # sorted: reproducible files
        term_ids = {term: column for column, term in enumerate(vocab)}
        data, indices, indptr = np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64)
        if vocab:  # bm25s cannot index a corpus without a single term
            retriever = bm25s.BM25(k1=params.k1, b=params.b, method=params.method)
            retriever.index(
                ([[term_ids[term] for term in terms] for terms in tokenized], term_ids),
                create_empty_token=False,
                show_progress=False,
            )
            data = np.asarray(retriever.scores["data"], dtype=np.float32)
            indices = np.asarray(retriever.scores["indices"], dtype=np.int32)
            indptr = np.asarray(retriever.scores["indptr"], dtype=np.int64)
        return cls(
            vocab=vocab,
            data=data,
            indices=indices,
            indptr=indptr,
            num_docs=len(texts),
            stopwords=analyzer.stopwords,
            params=params,
        )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for `query` (float32, summed in bm25s's order)."""
        result = np.zeros(self.num_docs, dtype=np.float32)
        for column in (self._term_ids.get(term) for term in self.analyzer(query)):
            if column is not None:
                start, end = self.indptr[column], self.indptr[column + 1]
                np.add.at(result, self.indices[start:end], self.data[start:end])
        return result

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k best rows matching at least one query term: (scores desc, rows); ties by row.

        Both arrays are empty when no query term is in the index.
        """
        return best_rows(self.scores(query), k)

    def save(self, directory: Path) -> None:
        """Write bm25.json and bm25.npz into `directory` (created if needed), each atomically."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": asdict(self.params),
            "num_docs": self.num_docs,
            "stopwords": sorted(self.analyzer.stopwords),
            "vocab": self.vocab,
        }
        arrays_tmp = directory / f".{ARRAYS_FILE}.tmp"
        with arrays_tmp.open("wb") as handle:
            np.savez(handle, data=self.data, indices=self.indices, indptr=self.indptr)
        os.replace(arrays_tmp, directory / ARRAYS_FILE)
        meta_tmp = directory / f".{META_FILE}.tmp"
        meta_tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        os.replace(meta_tmp, directory / META_FILE)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by `save`; IndexMissing / IndexCorrupt explain what is wrong."""
        directory = Path(directory)
        meta_path, arrays_path = directory / META_FILE, directory / ARRAYS_FILE
        if not meta_path.is_file() or not arrays_path.is_file():
            raise IndexMissing(f"There is no BM25 index in {directory}; build the index first.")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            with np.load(arrays_path, allow_pickle=False) as arrays:
                data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise IndexCorrupt(f"The BM25 index in {directory} is unreadable ({type(error).__name__}).") from None
        problem = _check(meta, data, indices, indptr)
        if problem:
            raise IndexCorrupt(f"The BM25 index in {directory} is damaged or from another version: {problem}.")
        params = Bm25Params(**meta["params"])
        return cls(
            vocab=meta["vocab"],
            data=data,
            indices=indices,
            indptr=indptr,
            num_docs=meta["num_docs"],
            stopwords=frozenset(meta["stopwords"]),
            params=params,
        )


def _check(meta: Any, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray) -> str | None:
    """What is inconsistent in a loaded index, or None."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return "bm25.json is not a citebot BM25 manifest"
    if meta.get("version") != FORMAT_VERSION:
        return f"format version {meta.get('version')!r}, expected {FORMAT_VERSION}"
    params, vocab, num_docs = meta.get("params"), meta.get("vocab"), meta.get("num_docs")
    if not isinstance(params, dict) or set(params) != {field.name for field in fields(Bm25Params)}:
        return "the BM25 parameters are missing"
    if not isinstance(vocab, list) or not isinstance(meta.get("stopwords"), list) or not isinstance(num_docs, int):
        return "the vocabulary, stopwords or document count is missing"
    if data.dtype != np.float32 or indices.dtype != np.int32 or indptr.dtype != np.int64:
        return "unexpected array types"
    if data.ndim != 1 or indices.shape != data.shape or indptr.shape != (len(vocab) + 1,):
        return "array sizes do not match the vocabulary"
    if indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0):
        return "the column pointers are inconsistent"
    if len(indices) and (indices.min() < 0 or indices.max() >= num_docs):
        return "a row index is out of range"
    return None


def best_rows(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best rows of a `LexicalIndex.scores` array that matched at all: (scores desc, rows); ties by row."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}.")
    rows = np.flatnonzero(scores > 0)  # Lucene BM25 weights are positive: > 0 means matched
    if len(rows) > k:
        kth_best = np.partition(scores[rows], len(rows) - k)[len(rows) - k]
        rows = rows[scores[rows] >= kth_best]  # keeps every row tied with the k-th
    order = np.lexsort((rows, -scores[rows]))[:k]
    return scores[rows[order]], rows[order].astype(np.int64)
