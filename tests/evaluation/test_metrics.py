"""IR metrics: hand-computed cases (fast) and agreement with ranx on random runs (slow)."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluation.metrics import evaluate, evaluate_per_query, mrr_at_k, ndcg_at_k, rank, recall_at_k

# One query: `x` is unjudged, `a` has relevance 2, `b` relevance 1, `c` was judged not relevant (0).
QRELS = {"q1": {"a": 2, "b": 1, "c": 0}}
RUN = {"q1": {"b": 0.5, "x": 0.9, "c": 0.4, "a": 0.8}}  # ranked: x, a, b, c


def test_rank_orders_by_score_then_doc_id_descending() -> None:
    assert rank(RUN["q1"]) == ["x", "a", "b", "c"]
    # Ties follow trec_eval: the larger document id (string order) comes first, whatever the dict order.
    assert rank({"d1": 0.5, "d2": 0.5, "d0": 0.9}) == ["d0", "d2", "d1"]
    assert rank({"d2": 0.5, "d1": 0.5, "d0": 0.9}) == ["d0", "d2", "d1"]
    # String order, not numeric: "9" > "10".
    assert rank({"10": 1.0, "9": 1.0}) == ["9", "10"]


def test_ndcg_hand_computed() -> None:
    ranking = rank(RUN["q1"])
    # DCG@3  = 0/log2(2) + 2/log2(3) + 1/log2(4) = 2/log2(3) + 1/2    (x unjudged, a=2, b=1)
    # IDCG@3 = 2/log2(2) + 1/log2(3)            = 2 + 1/log2(3)      (ideal: a, b; c has rel 0)
    # nDCG@3 = (2/log2(3) + 0.5) / (2 + 1/log2(3)) = 1.76186 / 2.63093 = 0.669672
    expected = (2 / math.log2(3) + 0.5) / (2 + 1 / math.log2(3))
    assert ndcg_at_k(ranking, QRELS["q1"], 3) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.669672, abs=1e-6)
    # nDCG@1: DCG = 0 (x), so 0.
    assert ndcg_at_k(ranking, QRELS["q1"], 1) == 0.0
    # nDCG@2: DCG = 2/log2(3) = 1.26186; IDCG@2 = 2 + 1/log2(3) = 2.63093 -> 0.479625
    assert ndcg_at_k(ranking, QRELS["q1"], 2) == pytest.approx((2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    # Gain is rel, not 2**rel - 1: a perfect ranking scores exactly 1.
    assert ndcg_at_k(["a", "b"], QRELS["q1"], 10) == pytest.approx(1.0)
    # Ideal cut at k: with k=1 the ideal is a alone (2/1); ranking b first gives 1/1 -> 0.5.
    assert ndcg_at_k(["b", "a"], QRELS["q1"], 1) == pytest.approx(0.5)


def test_recall_and_mrr_hand_computed() -> None:
    ranking = rank(RUN["q1"])
    # Relevant = {a, b} (c has rel 0). Top-1 = {x} -> 0/2; top-2 = {x, a} -> 1/2; top-3 adds b -> 2/2.
    assert [recall_at_k(ranking, QRELS["q1"], k) for k in (1, 2, 3)] == [0.0, 0.5, 1.0]
    # First relevant is a, at rank 2: MRR@1 = 0, MRR@2 = MRR@10 = 1/2.
    assert [mrr_at_k(ranking, QRELS["q1"], k) for k in (1, 2, 10)] == [0.0, 0.5, 0.5]
    # c (rel 0) at rank 1 does not count as a hit.
    assert mrr_at_k(["c", "b"], QRELS["q1"], 10) == 0.5


def test_ties_change_the_metrics_deterministically() -> None:
    qrels = {"q": {"d1": 1}}
    # d1 and d2 tie; d2 > d1 so d2 ranks first: MRR@1 = 0, MRR@2 = 1/2, nDCG@2 = (1/log2(3)) / 1 = 0.630930
    tied = evaluate({"q": {"d1": 0.5, "d2": 0.5}}, qrels, ks=[1, 2])
    assert tied["mrr@1"] == 0.0
    assert tied["mrr@2"] == 0.5
    assert tied["ndcg@2"] == pytest.approx(1 / math.log2(3))
    # d1 and d0 tie; d1 > d0 so d1 ranks first: everything is 1.
    assert evaluate({"q": {"d0": 0.5, "d1": 0.5}}, qrels, ks=[1]) == {"ndcg@1": 1.0, "recall@1": 1.0, "mrr@1": 1.0}


def test_evaluate_averages_over_qrels_queries() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0}}
    # q1 finds a at rank 1 -> 1 on every metric; q2 is missing from the run -> 0;
    # q3 has no relevant document -> 0; "extra" is not in the qrels and is ignored.
    run = {"q1": {"a": 1.0, "z": 0.5}, "q3": {"c": 1.0}, "extra": {"b": 1.0}}
    result = evaluate(run, qrels, ks=[10])
    assert result == {
        "ndcg@10": pytest.approx(1 / 3),
        "recall@10": pytest.approx(1 / 3),
        "mrr@10": pytest.approx(1 / 3),
    }
    per_query = evaluate_per_query(run, qrels, ks=[10])
    assert set(per_query) == {"q1", "q2", "q3"}
    assert per_query["q2"] == {"ndcg@10": 0.0, "recall@10": 0.0, "mrr@10": 0.0}


def test_metric_names_follow_ks() -> None:
    assert list(evaluate(RUN, QRELS, ks=[100, 10, 10])) == [
        "ndcg@10",
        "ndcg@100",
        "recall@10",
        "recall@100",
        "mrr@10",
        "mrr@100",
    ]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_bad_cutoffs_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="cutoff"):
        evaluate(RUN, QRELS, ks=[bad])  # type: ignore[list-item]


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="no query"):
        evaluate(RUN, {}, ks=[10])
    with pytest.raises(ValueError, match="cutoff"):
        evaluate(RUN, QRELS, ks=[])
    with pytest.raises(ValueError, match="NaN"):
        evaluate({"q1": {"a": math.nan}}, QRELS, ks=[10])


# --- agreement with ranx (slow: ranx JIT-compiles with numba on first use) ---------------------------

DOC_IDS = st.sampled_from([f"d{i}" for i in range(25)])
QUERY_IDS = [f"q{i}" for i in range(6)]
KS = [1, 3, 5, 10, 20]


@st.composite
def qrels_and_run(draw: st.DrawFn, ties: bool) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    """Random qrels and a run; the run may miss qrels queries and hold extra ones.

    With `ties`, scores come from three values and each query gets at most 15 documents;
    without, scores are distinct.
    """
    query_ids = draw(st.lists(st.sampled_from(QUERY_IDS), min_size=1, unique=True))
    qrels = {q: draw(st.dictionaries(DOC_IDS, st.integers(0, 3), min_size=1, max_size=8)) for q in query_ids}
    run: dict[str, dict[str, float]] = {}
    for q in draw(st.lists(st.sampled_from(QUERY_IDS), min_size=1, unique=True)):  # ranx rejects empty runs
        docs = draw(st.lists(DOC_IDS, min_size=1, max_size=15 if ties else 25, unique=True))
        if ties:
            run[q] = {d: draw(st.sampled_from([0.0, 0.5, 1.0])) for d in docs}
        else:
            values = draw(st.permutations(range(len(docs))))
            run[q] = {d: float(v) / 7 for d, v in zip(docs, values, strict=True)}
    return qrels, run


def _trec_order(scores: dict[str, float]) -> dict[str, float]:
    """The same scores re-inserted in trec_eval order, derived independently of `rank`.

    Two stable sorts: by document id descending, then by score descending.
    """
    by_id = sorted(scores, reverse=True)
    return {d: scores[d] for d in sorted(by_id, key=lambda d: -scores[d])}


def _ranx(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    ranx = pytest.importorskip("ranx")
    names = [f"{m}@{k}" for m in ("ndcg", "recall", "mrr") for k in KS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's "unsafe cast from uint64 to int64" on hashed ids
        result = ranx.evaluate(ranx.Qrels(qrels), ranx.Run(run), names, make_comparable=True)
    return {name: float(value) for name, value in result.items()}


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(qrels_and_run(ties=False))
def test_matches_ranx_without_ties(data: tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]) -> None:
    qrels, run = data
    # Distinct scores: ranx sorts them itself, so the dict order must not matter.
    ours = evaluate(run, qrels, ks=KS)
    assert ours == pytest.approx(_ranx(qrels, run), abs=1e-6)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(qrels_and_run(ties=True))
def test_matches_ranx_with_ties(data: tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]) -> None:
    qrels, run = data
    # ranx orders ties with numba's argsort, which keeps insertion order for at most 15 items
    # (and is arbitrary beyond); so ranx gets each query in trec_eval order and must agree with
    # our own tie-break, on runs shuffled the other way round.
    ours = evaluate({q: dict(reversed(list(s.items()))) for q, s in run.items()}, qrels, ks=KS)
    assert ours == pytest.approx(_ranx(qrels, {q: _trec_order(s) for q, s in run.items()}), abs=1e-6)
