"""The vector index behind retrieval: exact for small corpora, IVF-Flat above a measured size.

Row i of the matrix given to `build` is passage i, and FAISS label i is that passage. Vectors are
L2-normalized float32, so inner product is cosine similarity. Indexes are plain FAISS objects: the
caller persists them with `faiss.write_index` / `faiss.read_index`.

Choices, measured on the 2-core machine with 384-d clustered synthetic vectors (bench/ann_scale.py):
- Exact search costs ~55-110 ns per vector per query on one thread: 1.1 ms at 20k, 1.6 ms at 30k,
  3.4 ms at 50k, 11 ms at 100k. Up to EXACT_MAX it stays within ~2-3 ms even on a loaded machine,
  with perfect recall and nothing to train.
- Above it, IVF-Flat with 2*sqrt(n) lists and nprobe 32: at 1M, recall@10 0.999 at p50 ~2 ms.
  HNSW32 took 53 s to build 200k vectors and reached recall 0.94 only at efSearch 128; IVF-PQ
  (48 or 96 bytes) stalled at recall 0.44 / 0.68, and adding a refine stage stores the full vectors
  again. IVF-Flat also keeps its training reusable, which makes incremental rebuilds cheap.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

EXACT_MAX = 30_000  # corpora up to this many vectors get an exact IndexFlatIP
NPROBE = 32  # inverted lists visited per query
_LISTS_PER_SQRT_N = 2  # nlist = 2 * sqrt(n)
_TRAIN_PER_LIST = 40  # k-means sample per list (faiss warns below 39)
_TRAIN_ITERATIONS = 10  # at 1M: same recall as faiss' default 25 (0.9996 vs 0.9998), build 40% faster
_RETRAIN_FACTOR = 2.0  # retrain once the corpus is this many times larger or smaller than trained for
_PARALLEL_MIN_QUERIES = 64  # smaller batches search on one thread (see `search`)


def build(vectors: np.ndarray, previous: faiss.Index | None = None, *, exact_max: int = EXACT_MAX) -> faiss.Index:
    """Index `vectors` (n x d): exact up to `exact_max` rows, IVF-Flat above.

    When `previous` is an IVF index whose coarse quantizer was trained for a corpus within 2x of
    this one, the quantizer is reused (no k-means) and vectors `previous` already holds keep their
    inverted list, so only new or changed vectors are assigned. The result is the same as adding
    all of `vectors` to a copy of `previous`'s trained, empty index.
    """
    matrix = _matrix(vectors)
    n, d = matrix.shape
    nlist = _nlist_for(n)
    if n <= exact_max or nlist < 2:
        index = faiss.IndexFlatIP(d)
        index.add(matrix)
        return index
    if isinstance(previous, faiss.IndexIVFFlat) and _trained_for(previous, d, nlist):
        return _refill(previous, matrix)
    return _train(matrix, nlist)


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, labels), each (len(queries) x min(k, index.ntotal)), best first.

    An IVF index can find fewer than k vectors in the lists it probes: those slots hold label -1
    and score -inf, always at the end of their row.

    Small batches run on one OpenMP thread: on 2 shared cores, waking a second thread made a
    single exact query at 30k vectors take 40 ms instead of 2.7 ms, and a batch of 16 IVF queries
    14 ms instead of 3 ms. Large batches keep faiss' default thread count.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    matrix = _matrix(queries)
    if matrix.shape[1] != index.d:
        raise ValueError(f"queries have dimension {matrix.shape[1]}, the index {index.d}")
    k = min(k, index.ntotal)
    if k == 0 or len(matrix) == 0:
        return np.empty((len(matrix), k), dtype=np.float32), np.empty((len(matrix), k), dtype=np.int64)
    params = None
    if isinstance(index, faiss.IndexIVF):
        params = faiss.SearchParametersIVF()
        params.nprobe = _nprobe(index)
    threads = faiss.omp_get_max_threads()
    if len(matrix) < _PARALLEL_MIN_QUERIES:
        faiss.omp_set_num_threads(1)
    try:
        scores, labels = index.search(matrix, k, params=params)
    finally:
        faiss.omp_set_num_threads(threads)
    scores[labels < 0] = -np.inf
    return scores, labels


def describe(index: faiss.Index) -> str:
    """One line for `info` and `/status`, e.g. "IVF2000,Flat nprobe=32 (1,000,000 vectors)"."""
    if isinstance(index, faiss.IndexIVFFlat):
        return f"IVF{index.nlist},Flat nprobe={_nprobe(index)} ({index.ntotal:,} vectors)"
    if isinstance(index, faiss.IndexFlat):
        return f"exact (flat, {index.ntotal:,} vectors)"
    return f"{type(index).__name__} ({index.ntotal:,} vectors)"


def _matrix(vectors: np.ndarray) -> np.ndarray:
    """`vectors` as the C-contiguous float32 matrix faiss needs (no copy when it already is one)."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected an (n x d) matrix of vectors, got shape {matrix.shape}")
    return matrix


def _nlist_for(n: int) -> int:
    """Inverted lists for n vectors: 2*sqrt(n), capped so each list gets enough training points."""
    return min(round(_LISTS_PER_SQRT_N * math.sqrt(n)), n // _TRAIN_PER_LIST)


def _nprobe(index: faiss.IndexIVF) -> int:
    return min(NPROBE, index.nlist)


def _trained_for(previous: faiss.IndexIVFFlat, d: int, nlist: int) -> bool:
    """Whether `previous` was trained for a corpus within _RETRAIN_FACTOR of the one needing `nlist`.

    The list count encodes the corpus size the quantizer was trained for (nlist ~ sqrt(n)), so
    repeated small updates cannot drift away from it unnoticed, as comparing ntotal would allow.
    """
    same_space = previous.d == d and previous.metric_type == faiss.METRIC_INNER_PRODUCT
    return same_space and abs(math.log(nlist / previous.nlist)) <= math.log(math.sqrt(_RETRAIN_FACTOR))


def _train(matrix: np.ndarray, nlist: int) -> faiss.IndexIVFFlat:
    """A fresh IVF-Flat index: spherical k-means on a seeded sample, then every vector added."""
    n, d = matrix.shape
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = _TRAIN_ITERATIONS
    sample = np.sort(np.random.default_rng(0).choice(n, size=min(n, nlist * _TRAIN_PER_LIST), replace=False))
    index.train(matrix[sample])
    index.add(matrix)
    return index


def _refill(previous: faiss.IndexIVFFlat, matrix: np.ndarray) -> faiss.IndexIVFFlat:
    """`matrix` in a new index on `previous`'s quantizer, reusing the list of every known vector."""
    index = faiss.IndexIVFFlat(
        faiss.clone_index(previous.quantizer), previous.d, previous.nlist, faiss.METRIC_INNER_PRODUCT
    )
    lists = _known_lists(previous, matrix)
    unknown = lists < 0
    if unknown.any():
        lists[unknown] = index.quantizer.assign(matrix[unknown], 1)[:, 0]
    index.add_core(len(matrix), faiss.swig_ptr(matrix), None, faiss.swig_ptr(lists))
    return index


def _known_lists(previous: faiss.IndexIVFFlat, matrix: np.ndarray) -> np.ndarray:
    """For each row of `matrix`, the inverted list holding an identical vector in `previous`, else -1.

    Rows are matched on the bit pattern of their first two coordinates (distinct embeddings
    practically never share it), and every match is confirmed on the whole vector.
    """
    keys = _keys(matrix)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]  # rows of `matrix` by key, to find each stored vector's candidate row
    lists = np.full(len(matrix), -1, dtype=np.int64)
    invlists = previous.invlists
    assert invlists is not None
    for list_no in range(previous.nlist):
        size = invlists.list_size(list_no)
        if size == 0:
            continue
        codes = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * previous.code_size)
        stored = codes.view(np.float32).reshape(size, previous.d)
        rows = order[np.minimum(np.searchsorted(sorted_keys, _keys(stored)), len(matrix) - 1)]
        lists[rows[(matrix[rows] == stored).all(axis=1)]] = list_no
    return lists


def _keys(matrix: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(matrix[:, :2]).view(np.int64)[:, 0]
