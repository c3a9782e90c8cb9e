"""The vector index contract, checked against each index kind on small clustered synthetic data."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from bot.index import dense as ann

D = 384
N = 3_000
# exact_max that forces each kind on N vectors
KINDS = {"exact": N, "ivf": 0}


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, seed: int) -> np.ndarray:
    """Normalized vectors around 60 fixed centres, like embeddings of a few dozen topics."""
    centres = unit(np.random.default_rng(0).standard_normal((60, D)))
    rng = np.random.default_rng(seed)
    return unit(centres[rng.integers(len(centres), size=n)] + 1.5 * rng.standard_normal((n, D)) / np.sqrt(D))


VECTORS = clustered(N, seed=1)
QUERIES = clustered(100, seed=2)


def edited(vectors: np.ndarray) -> np.ndarray:
    """What re-indexing after editing documents passes: 1% replaced, a block gone, a block inserted."""
    changed = vectors.copy()
    changed[::100] = clustered(len(changed[::100]), seed=3)
    return np.concatenate([changed[:1_000], clustered(200, seed=4), changed[1_300:]])


def exact_labels(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :k]


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)]))


@pytest.fixture(params=sorted(KINDS))
def exact_max(request: pytest.FixtureRequest) -> int:
    return KINDS[request.param]


def test_threshold_chooses_the_kind(exact_max: int) -> None:
    index = ann.build(VECTORS, exact_max=exact_max)
    expected = "exact (flat, 3,000 vectors)" if exact_max else "IVF75,Flat nprobe=32 (3,000 vectors)"
    assert ann.describe(index) == expected
    assert ann.describe(ann.build(VECTORS[:2_000])) == "exact (flat, 2,000 vectors)"


def test_a_stored_vector_finds_itself_first(exact_max: int) -> None:
    index = ann.build(VECTORS, exact_max=exact_max)
    rows = np.arange(0, N, 7)
    scores, labels = ann.search(index, VECTORS[rows], 1)
    assert labels[:, 0].tolist() == rows.tolist()
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)


def test_recall_against_exact_search(exact_max: int) -> None:
    _, labels = ann.search(ann.build(VECTORS, exact_max=exact_max), QUERIES, 10)
    assert recall(labels, exact_labels(VECTORS, QUERIES, 10)) >= (1.0 if exact_max else 0.95)


def test_rebuild_with_previous_matches_a_fresh_build(exact_max: int) -> None:
    changed = edited(VECTORS)
    updated = ann.build(changed, previous=ann.build(VECTORS, exact_max=exact_max), exact_max=exact_max)
    fresh = ann.build(changed, exact_max=exact_max)
    assert updated.ntotal == fresh.ntotal == len(changed)
    assert np.array_equal(ann.search(updated, changed, 1)[1][:, 0], np.arange(len(changed)))
    truth = exact_labels(changed, QUERIES, 10)
    found_updated, found_fresh = ann.search(updated, QUERIES, 10)[1], ann.search(fresh, QUERIES, 10)[1]
    assert recall(found_updated, truth) >= recall(found_fresh, truth) - 0.01


def test_ivf_rebuild_reuses_training_and_equals_re_adding_everything() -> None:
    previous = ann.build(VECTORS, exact_max=0)
    changed = edited(VECTORS)
    updated = ann.build(changed, previous=previous, exact_max=0)
    assert isinstance(previous, faiss.IndexIVFFlat) and isinstance(updated, faiss.IndexIVFFlat)
    assert np.array_equal(updated.quantizer.reconstruct_n(0, updated.nlist), previous.quantizer.reconstruct_n(0, 75))
    re_added = faiss.IndexIVFFlat(faiss.clone_index(previous.quantizer), D, previous.nlist, faiss.METRIC_INNER_PRODUCT)
    re_added.add(changed)
    sizes = [updated.get_list_size(i) for i in range(75)]
    assert sizes == [re_added.get_list_size(i) for i in range(75)]
    for got, expected in zip(ann.search(updated, QUERIES, 10), ann.search(re_added, QUERIES, 10), strict=True):
        assert np.array_equal(got, expected)


def test_ivf_retrains_when_the_corpus_size_changes_more_than_2x() -> None:
    previous = ann.build(VECTORS, exact_max=0)
    assert isinstance(previous, faiss.IndexIVFFlat)
    grown = np.concatenate([VECTORS, clustered(4_000, seed=5)])
    assert ann.describe(ann.build(grown, previous=previous, exact_max=0)).startswith("IVF167,")
    shrunk = ann.build(VECTORS[: N // 3], previous=previous, exact_max=0)
    assert ann.describe(shrunk) == "IVF25,Flat nprobe=25 (1,000 vectors)"
    near = ann.build(np.concatenate([VECTORS, clustered(N // 3, seed=6)]), previous=previous, exact_max=0)
    assert ann.describe(near).startswith("IVF75,")
    from_exact = ann.build(VECTORS, previous=ann.build(VECTORS), exact_max=0)
    assert ann.describe(from_exact).startswith("IVF75,")


def test_round_trip_through_write_and_read(exact_max: int, tmp_path: Path) -> None:
    index = ann.build(VECTORS, exact_max=exact_max)
    faiss.write_index(index, str(tmp_path / "vectors.faiss"))
    loaded = faiss.read_index(str(tmp_path / "vectors.faiss"))
    assert ann.describe(loaded) == ann.describe(index)
    for got, expected in zip(ann.search(loaded, QUERIES, 10), ann.search(index, QUERIES, 10), strict=True):
        assert np.array_equal(got, expected)
    changed = edited(VECTORS)
    from_loaded = ann.build(changed, previous=loaded, exact_max=exact_max)
    from_memory = ann.build(changed, previous=index, exact_max=exact_max)
    assert np.array_equal(ann.search(from_loaded, QUERIES, 10)[1], ann.search(from_memory, QUERIES, 10)[1])


def test_empty_index(exact_max: int) -> None:
    previous = ann.build(VECTORS, exact_max=exact_max)
    index = ann.build(np.empty((0, D), dtype=np.float32), previous=previous, exact_max=exact_max)
    assert ann.describe(index) == "exact (flat, 0 vectors)"
    scores, labels = ann.search(index, QUERIES[:3], 5)
    assert scores.shape == labels.shape == (3, 0)


def test_k_larger_than_the_index(exact_max: int) -> None:
    index = ann.build(VECTORS, exact_max=exact_max)
    scores, labels = ann.search(index, QUERIES[:5], 10 * N)
    assert scores.shape == labels.shape == (5, N)
    for row_scores, row_labels in zip(scores, labels, strict=True):
        found = row_labels >= 0
        count = int(found.sum())
        assert count >= 10 and found[:count].all()  # missing results only at the end
        assert len(set(row_labels[:count].tolist())) == count
        assert np.all(np.diff(row_scores[:count]) <= 0) and np.all(row_scores[count:] == -np.inf)
    assert (labels >= 0).all() == (exact_max > 0)  # IVF only probes some lists


def test_search_restores_the_thread_count_and_rejects_bad_input() -> None:
    index = ann.build(VECTORS)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(2)
    try:
        ann.search(index, QUERIES[:1], 3)
        assert faiss.omp_get_max_threads() == 2
    finally:
        faiss.omp_set_num_threads(threads)
    with pytest.raises(ValueError):
        ann.search(index, QUERIES[:, :100], 3)
    with pytest.raises(ValueError):
        ann.search(index, QUERIES, 0)
