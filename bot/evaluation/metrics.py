"""Ranking metrics (nDCG@k, Recall@k, MRR@k) with the trec_eval / BEIR conventions.

A *run* maps each query id to the scores a system gave documents; *qrels* map each query
id to judged documents and their integer relevance. Conventions, as in trec_eval
(and so pytrec_eval, which BEIR uses) and ranx:

* a run is ranked by score, highest first; equal scores are ordered by document id,
  *descending* (trec_eval's `strcmp(b, a)` tie-break);
* a document is relevant when its relevance is >= 1; lower judgments count as unjudged;
* nDCG gain is the relevance itself (not 2**rel - 1), discounted by log2(rank + 1),
  and the ideal ranking is the qrels sorted by relevance, cut at k;
* a query with no relevant document scores 0 on every metric;
* `evaluate` averages over the queries in the qrels; a query absent from the run scores 0
  (ranx's `make_comparable=True`; note that BEIR instead skips such queries).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

Run = Mapping[str, Mapping[str, float]]
Qrels = Mapping[str, Mapping[str, int]]

METRICS = ("ndcg", "recall", "mrr")
DEFAULT_KS = (10, 100)


def rank(scores: Mapping[str, float]) -> list[str]:
    """Document ids ordered best first: score descending, ties by document id descending."""
    for doc_id, score in scores.items():
        if math.isnan(score):
            raise ValueError(f"Document {doc_id!r} has a NaN score.")
    return [doc_id for doc_id, _ in sorted(scores.items(), key=lambda item: (item[1], item[0]), reverse=True)]


def ndcg_at_k(ranking: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Normalized discounted cumulative gain of the first k documents of `ranking`."""
    _check_k(k)
    gains = sorted((rel for rel in judged.values() if rel >= 1), reverse=True)[:k]
    ideal = sum(gain / math.log2(i + 2) for i, gain in enumerate(gains))
    if ideal == 0.0:
        return 0.0
    dcg = 0.0
    for i, doc_id in enumerate(ranking[:k]):
        rel = judged.get(doc_id, 0)
        if rel >= 1:
            dcg += rel / math.log2(i + 2)
    return dcg / ideal


def recall_at_k(ranking: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents found in the first k of `ranking`."""
    _check_k(k)
    relevant = {doc_id for doc_id, rel in judged.items() if rel >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def mrr_at_k(ranking: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Reciprocal rank of the first relevant document within the first k, else 0."""
    _check_k(k)
    for i, doc_id in enumerate(ranking[:k]):
        if judged.get(doc_id, 0) >= 1:
            return 1.0 / (i + 1)
    return 0.0


_FUNCTIONS = {"ndcg": ndcg_at_k, "recall": recall_at_k, "mrr": mrr_at_k}


def evaluate_per_query(run: Run, qrels: Qrels, ks: Iterable[int] = DEFAULT_KS) -> dict[str, dict[str, float]]:
    """Every metric at every k for each query of `qrels`: {query_id: {"ndcg@10": ..., ...}}."""
    cutoffs = sorted(set(ks))
    for k in cutoffs:
        _check_k(k)
    if not cutoffs:
        raise ValueError("At least one cutoff k is needed.")
    result: dict[str, dict[str, float]] = {}
    for query_id, judged in qrels.items():
        ranking = rank(run.get(query_id, {}))
        result[query_id] = {f"{name}@{k}": _FUNCTIONS[name](ranking, judged, k) for name in METRICS for k in cutoffs}
    return result


def evaluate(run: Run, qrels: Qrels, ks: Iterable[int] = DEFAULT_KS) -> dict[str, float]:
    """Mean of every metric at every k over the queries of `qrels`, e.g. {"ndcg@10": 0.68, ...}."""
    per_query = evaluate_per_query(run, qrels, ks)
    if not per_query:
        raise ValueError("The qrels hold no query to evaluate.")
    names = next(iter(per_query.values())).keys()
    return {name: math.fsum(scores[name] for scores in per_query.values()) / len(per_query) for name in names}


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"A cutoff k must be a positive integer, not {k!r}.")
