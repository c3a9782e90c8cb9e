"""BM25 lexical index on tiny corpora."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import IndexCorrupt, IndexMissing
from bot.index.lexical import ARRAYS_FILE, META_FILE, LexicalIndex
from tests.support import REPO

PETS = [
    "The cat sat on the mat.",  # 0
    "Dogs chase cats; the cats run.",  # 1: "cats" twice
    "A cat, a dog, and a very long list of other animals: horses, cows, sheep, goats, llamas.",  # 2
    "Nothing relevant here at all.",  # 3
    "Dogs are loyal.",  # 4
]


@pytest.fixture(scope="module")
def pets() -> LexicalIndex:
    return LexicalIndex.build(PETS)


def rows(index: LexicalIndex, query: str, k: int = 10) -> list[int]:
    return index.search(query, k)[1].tolist()


def test_ranking_sanity(pets: LexicalIndex) -> None:
    # Stemming: "cat" matches "cats"; higher term frequency wins; of the two single "cat" docs the
    # shorter one wins (length normalization); docs without the term are not returned.
    assert rows(pets, "cat") == [1, 0, 2]
    # "dog" is in 3 docs and "loyal" in 1: the rarer term lifts doc 4 above the others.
    assert rows(pets, "loyal dog")[0] == 4
    scores, found = pets.search("cat", 10)
    assert scores.dtype == np.float32 and found.dtype == np.int64
    assert np.all(np.diff(scores) <= 0) and np.all(scores > 0)
    assert rows(pets, "cat", k=2) == [1, 0]


def test_query_without_known_terms(pets: LexicalIndex) -> None:
    for query in ["zebra quagga", "the and of a", "", "  ?! ", "x y z"]:  # unknown, stopwords, empty, 1-letter
        scores, found = pets.search(query, 5)
        assert scores.shape == (0,) and found.shape == (0,), query
        assert found.dtype == np.int64


def test_ties_are_broken_by_row(tmp_path: Path) -> None:
    index = LexicalIndex.build(["red apple", "green pear", "red apple", "red apple"])
    assert rows(index, "apple") == [0, 2, 3]
    assert rows(index, "apple", k=2) == [0, 2]  # the k-th boundary falls inside the tie
    with pytest.raises(ValueError, match="k must be"):
        index.search("apple", 0)


def test_unicode() -> None:
    index = LexicalIndex.build(
        [
            "Japan’s southwest islands – near Taiwan",  # curly apostrophe and en dash
            "Le café est très naïf.",
            "東京 で 会談",  # CJK: runs of word characters are terms
            "CAFÉ RÉSUMÉ",
        ]
    )
    assert rows(index, "japan's islands") == [0]  # ASCII apostrophe; "s" alone is too short to be a term
    assert set(rows(index, "Café")) == set(rows(index, "café")) == {1, 3}  # unicode-aware lowercasing
    assert rows(index, "cafe") == []  # no accent folding (as in bm25s)
    assert rows(index, "東京") == [2]


def test_empty_corpora() -> None:
    for texts in ([], ["", "the of"]):
        index = LexicalIndex.build(texts)
        assert len(index) == len(texts) and index.vocab == []
        assert rows(index, "anything the") == []


def test_save_load_round_trip(tmp_path: Path, pets: LexicalIndex) -> None:
    pets.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert loaded.vocab == pets.vocab and len(loaded) == len(pets) and loaded.params == pets.params
    assert loaded.analyzer.stopwords == pets.analyzer.stopwords
    for query in ["cat", "loyal dog", "horses and llamas", "zebra"]:
        for ours, theirs in zip(loaded.search(query, 3), pets.search(query, 3), strict=True):
            np.testing.assert_array_equal(ours, theirs)
    assert sorted(p.name for p in (tmp_path / "bm25").iterdir()) == sorted([ARRAYS_FILE, META_FILE])  # no temp files


def test_saved_files_are_reproducible(tmp_path: Path) -> None:
    LexicalIndex.build(PETS).save(tmp_path / "a")
    LexicalIndex.build(PETS).save(tmp_path / "b")
    for name in (META_FILE, ARRAYS_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_load_errors(tmp_path: Path, pets: LexicalIndex) -> None:
    with pytest.raises(IndexMissing, match="no BM25 index"):
        LexicalIndex.load(tmp_path / "nothing")
    folder = tmp_path / "bm25"

    pets.save(folder)
    (folder / ARRAYS_FILE).write_bytes((folder / ARRAYS_FILE).read_bytes()[:100])
    with pytest.raises(IndexCorrupt, match="unreadable"):
        LexicalIndex.load(folder)

    pets.save(folder)
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    (folder / META_FILE).write_text(json.dumps({**meta, "version": 99}), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="version 99"):
        LexicalIndex.load(folder)

    (folder / META_FILE).write_text(json.dumps({**meta, "vocab": meta["vocab"][:-1]}), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="array sizes"):
        LexicalIndex.load(folder)

    (folder / META_FILE).write_text(json.dumps({**meta, "num_docs": 2}), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="row index"):
        LexicalIndex.load(folder)

    (folder / META_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="unreadable"):
        LexicalIndex.load(folder)


def test_cold_search_does_not_import_bm25s(tmp_path: Path, pets: LexicalIndex) -> None:
    pets.save(tmp_path)
    probe = (
        "import sys; from bot.index.lexical import LexicalIndex; "
        f"print(LexicalIndex.load({str(tmp_path)!r}).search('cat', 3)[1].tolist()); "
        "print(sorted(m for m in ('bm25s', 'numba', 'scipy', 'tqdm') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True, capture_output=True, text=True).stdout
    assert out.split("\n")[:2] == ["[1, 0, 2]", "[]"]


# --- agreement with bm25s itself -------------------------------------------------------------------

WORDS = ["cat", "cats", "dog", "the", "Running", "runs", "café", "東京", "a", "x1", "naïve", "of", "Taiwan’s"]
TEXT = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join) | st.text(max_size=40)


@settings(max_examples=60, deadline=None)
@given(corpus=st.lists(TEXT, min_size=1, max_size=8), query=TEXT)
def test_matches_bm25s(corpus: list[str], query: str) -> None:
    """Same terms as bm25s.tokenize, same scores as bm25s.BM25, and search == sorted scores."""
    bm25s = pytest.importorskip("bm25s")
    stemmer = pytest.importorskip("Stemmer").Stemmer("english")
    index = LexicalIndex.build(corpus)
    expected_terms = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
    assert index.analyzer(query) == expected_terms[0]

    scores = index.scores(query)
    corpus_terms = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
    if any(corpus_terms) and any(term in index.vocab for term in expected_terms[0]):
        reference = bm25s.BM25(k1=1.5, b=0.75)
        reference.index(corpus_terms, show_progress=False)
        np.testing.assert_array_equal(scores, reference.get_scores(expected_terms[0]))
    else:
        assert not scores.any()

    k = 3
    want = sorted((-float(s), row) for row, s in enumerate(scores) if s > 0)[:k]
    got_scores, got_rows = index.search(query, k)
    assert [(-float(s), int(r)) for s, r in zip(got_scores, got_rows, strict=True)] == want
