"""Check that bot.index.lexical reproduces the published BM25 figure on BEIR SciFact.

Indexes title + " " + text of each document (one passage per document), retrieves the top 100
for each test query and scores the run with bot.evaluation.metrics. Published: nDCG@10 0.687
(MTEB's bm25s baseline); bm25s measured on this copy: 0.6863 / R@10 0.8187 / R@100 0.9127 /
MRR@10 0.6492. Then times a cold process that loads the saved index and answers one query.

    .venv/bin/python bench/bm25_scifact.py [--data /work/shared/eval/scifact] [--split test]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a plain script, without installing citebot

from common import fastest_probe  # noqa: E402

from bot.evaluation.beir import load_beir  # noqa: E402
from bot.evaluation.metrics import evaluate  # noqa: E402
from bot.index.lexical import LexicalIndex  # noqa: E402

PUBLISHED_NDCG10 = 0.686  # MTEB bm25s baseline 0.68736; bm25s on this copy 0.6863
TOLERANCE = 0.005

# Run in a fresh interpreter: import, load the saved index, answer one query, report timings.
COLD_PROBE = """
import json, sys, time
t0 = time.perf_counter()
from bot.index.lexical import LexicalIndex
t1 = time.perf_counter()
index = LexicalIndex.load(sys.argv[1])
t2 = time.perf_counter()
scores, rows = index.search(sys.argv[2], 10)
t3 = time.perf_counter()
heavy = sorted(m for m in ("bm25s", "numba", "scipy", "tqdm", "torch") if m in sys.modules)
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "query": t3 - t2, "hits": len(rows), "heavy": heavy}))
"""


def cold_probe(index_dir: Path, query: str, repeats: int = 5) -> tuple[float, dict[str, Any]]:
    """Best-of-`repeats` wall time of a whole cold process, and the in-process split of that best run."""
    return fastest_probe(COLD_PROBE, str(index_dir), query, repeats=repeats)


def python_startup(repeats: int = 5) -> float:
    """Best wall time of `python -c pass`, the floor under any cold measurement."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/eval/scifact"))
    parser.add_argument("--split", default="test")
    args = parser.parse_args()

    dataset = load_beir(args.data, args.split)
    start = time.perf_counter()
    index = LexicalIndex.build([doc.indexed_text for doc in dataset.corpus])
    build_seconds = time.perf_counter() - start
    print(
        f"{dataset.name}/{dataset.split}: {len(dataset.corpus)} docs, {len(dataset.queries)} queries, "
        f"{len(index.vocab)} terms, built in {build_seconds:.2f} s"
    )

    start = time.perf_counter()
    run: dict[str, dict[str, float]] = {}
    for query in dataset.queries:
        scores, rows = index.search(query.text, 100)
        run[query.id] = {dataset.corpus[row].id: float(score) for score, row in zip(scores, rows, strict=True)}
    per_query_ms = (time.perf_counter() - start) / len(dataset.queries) * 1000
    result = evaluate(run, dataset.qrels, ks=(10, 100))
    print(f"search: {per_query_ms:.2f} ms/query (warm, top 100)")
    print(" ".join(f"{name}={result[name]:.4f}" for name in ("ndcg@10", "recall@10", "recall@100", "mrr@10")))

    with tempfile.TemporaryDirectory() as tmp:
        index.save(Path(tmp))
        size_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 1e6
        wall, split = cold_probe(Path(tmp), dataset.queries[0].text)
    floor = python_startup()
    print(
        f"cold process (python start + import + load {size_mb:.1f} MB + 1 query): {wall * 1000:.0f} ms, "
        f"of which python itself {floor * 1000:.0f} ms; in-process import {split['import'] * 1000:.0f} ms, "
        f"load {split['load'] * 1000:.0f} ms, query {split['query'] * 1000:.1f} ms; "
        f"heavy modules imported: {split['heavy'] or 'none'}"
    )

    ok = abs(result["ndcg@10"] - PUBLISHED_NDCG10) <= TOLERANCE
    print(f"nDCG@10 {'matches' if ok else 'DOES NOT match'} the published {PUBLISHED_NDCG10} (±{TOLERANCE})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
