"""How `bot.index.dense` holds up at a million passages: build time, memory, disk, latency, recall, update.

Not a test: run from the repository root, it takes several minutes at the default size.

    .venv/bin/python -m bench.ann_scale [--n 1000000] [--queries 1000] [--json-out bench/results/ann_scale.json]

Vectors are synthetic, 384-d and L2-normalized like all-MiniLM-L6-v2 embeddings:
- clustered: a seeded Gaussian mixture of 4,096 centres grouped under 64 topics, with per-centre
  noise. A held-out query's best passage scores ~0.41 cosine and a random pair ~0.0, about what
  the model gives for question -> passage and unrelated passages.
- uniform: uniform on the sphere, the worst case for any approximate index (no structure at all).
Queries are drawn from the same distribution as the passages but are not among them. Recall@10
is measured against exact IndexFlatIP search computed in the same run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bot.index import dense as ann

D = 384
CENTRES = 4_096
TOPICS = 64
EXACT_FLOOR_QUERIES = 30  # single exact queries at 1M take ~0.1-0.2 s each
NPROBE_SWEEP = (8, 16, 32, 64)
CHUNK = 100_000
Sampler = Callable[[int, np.random.Generator], np.ndarray]


def unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def clustered_sampler(seed: int = 0) -> Sampler:
    """Draws from the clustered mixture described in the module docstring."""
    rng = np.random.default_rng(seed)
    topics = unit(rng.standard_normal((TOPICS, D), dtype=np.float32))
    offsets = unit(rng.standard_normal((CENTRES, D), dtype=np.float32))
    centres = unit(topics[rng.integers(TOPICS, size=CENTRES)] + 0.8 * offsets)
    spread = rng.uniform(1.0, 2.0, size=CENTRES).astype(np.float32) / np.float32(np.sqrt(D))

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        which = rng.integers(CENTRES, size=n)
        return unit(centres[which] + rng.standard_normal((n, D), dtype=np.float32) * spread[which, None])

    return sample


def uniform_sampler() -> Sampler:
    return lambda n, rng: unit(rng.standard_normal((n, D), dtype=np.float32))


SAMPLERS: dict[str, Callable[[], Sampler]] = {"clustered": clustered_sampler, "uniform": uniform_sampler}


def draw(sample: Sampler, n: int, seed: int) -> np.ndarray:
    """n vectors, generated in chunks to keep float temporaries small."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, D), dtype=np.float32)
    for start in range(0, n, CHUNK):
        out[start : start + CHUNK] = sample(min(CHUNK, n - start), rng)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def single_query_ms(index: faiss.Index, queries: np.ndarray) -> np.ndarray:
    """Latency of each query searched alone through `ann.search`, after a short warm-up."""
    for query in queries[:10]:
        ann.search(index, query[None, :], 10)
    times = []
    for query in queries:
        start = time.perf_counter()
        ann.search(index, query[None, :], 10)
        times.append(time.perf_counter() - start)
    return np.array(times) * 1e3


def recall_at_10(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(np.intersect1d(f, t)) / 10 for f, t in zip(found, truth, strict=True)]))


def nprobe_sweep(index: faiss.Index, queries: np.ndarray, truth: np.ndarray) -> list[dict[str, float]]:
    """Recall@10 and single-query p50 if `ann.NPROBE` were set otherwise: the headroom of the choice."""
    chosen, sweep = ann.NPROBE, []
    try:
        for nprobe in NPROBE_SWEEP:
            ann.NPROBE = nprobe
            p50 = float(np.percentile(single_query_ms(index, queries), 50))
            recall = recall_at_10(ann.search(index, queries, 10)[1], truth)
            sweep.append({"nprobe": nprobe, "recall_at_10": round(recall, 4), "p50_ms": round(p50, 3)})
    finally:
        ann.NPROBE = chosen
    return sweep


def run(name: str, n: int, n_queries: int) -> dict[str, Any]:
    """Measure one data set; print progress as it goes."""
    sample = SAMPLERS[name]()
    print(f"[{name}] generating {n:,} vectors and {n_queries:,} queries", flush=True)
    vectors = draw(sample, n, seed=1)
    queries = draw(sample, n_queries, seed=2)
    rss_data = peak_rss_mb()

    start = time.perf_counter()
    index = ann.build(vectors)
    build_s = time.perf_counter() - start
    rss_build = peak_rss_mb()
    print(f"[{name}] built {ann.describe(index)} in {build_s:.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "vectors.faiss")
        faiss.write_index(index, path)
        disk_bytes = os.path.getsize(path)
        start = time.perf_counter()
        faiss.read_index(path)
        read_s = time.perf_counter() - start

    latency = single_query_ms(index, queries)
    _, found = ann.search(index, queries, 10)

    exact = faiss.IndexFlatIP(D)
    exact.add(vectors)
    _, truth = exact.search(queries, 10)
    exact_latency = single_query_ms(exact, queries[:EXACT_FLOOR_QUERIES])
    del exact
    sweep = nprobe_sweep(index, queries, truth) if isinstance(index, faiss.IndexIVF) else []

    rng = np.random.default_rng(3)
    replaced = rng.choice(n, size=n // 100, replace=False)
    updated_vectors = vectors.copy()
    updated_vectors[replaced] = sample(len(replaced), rng)
    start = time.perf_counter()
    updated = ann.build(updated_vectors, previous=index)
    update_s = time.perf_counter() - start
    print(f"[{name}] replaced 1% -> {ann.describe(updated)} in {update_s:.1f} s", flush=True)

    return {
        "data": name,
        "n": n,
        "queries": n_queries,
        "index": ann.describe(index),
        "build_s": round(build_s, 2),
        "peak_rss_mb": round(rss_build),
        "rss_before_build_mb": round(rss_data),
        "bytes_per_passage": round(disk_bytes / n, 1),
        "read_index_s": round(read_s, 2),
        "p50_ms": round(float(np.percentile(latency, 50)), 3),
        "p99_ms": round(float(np.percentile(latency, 99)), 3),
        "recall_at_10": round(recall_at_10(found, truth), 4),
        "exact_p50_ms": round(float(np.percentile(exact_latency, 50)), 2),
        "update_1pct_s": round(update_s, 2),
        "nprobe_sweep": sweep,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    columns = [
        ("data", "data"),
        ("n", "n"),
        ("build_s", "build s"),
        ("peak_rss_mb", "peak RSS MB"),
        ("bytes_per_passage", "bytes/passage"),
        ("p50_ms", "p50 ms"),
        ("p99_ms", "p99 ms"),
        ("recall_at_10", "recall@10"),
        ("exact_p50_ms", "exact p50 ms"),
        ("update_1pct_s", "update 1% s"),
    ]
    rows = [[label for _, label in columns]]
    rows += [[f"{r[key]:,}" if isinstance(r[key], int | float) else str(r[key]) for key, _ in columns] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="passages (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=1_000, help="held-out queries (default 1,000)")
    parser.add_argument("--data", default="clustered,uniform", help="comma-separated: clustered, uniform")
    parser.add_argument("--json-out", type=Path, default=Path("bench/results/ann_scale.json"))
    args = parser.parse_args()

    results = []
    for name in args.data.split(","):
        # a fresh process per data set, so that its peak RSS is its own
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            results.append(pool.submit(run, name, args.n, args.queries).result())
    print()
    print_table(results)
    for result in results:
        for point in result["nprobe_sweep"]:
            recall, p50 = point["recall_at_10"], point["p50_ms"]
            print(f"{result['data']:>9}  nprobe {point['nprobe']:>2}: recall@10 {recall}, p50 {p50} ms")
    report = {
        "machine": {"cpus": os.cpu_count(), "faiss": faiss.__version__, "python": platform.python_version()},
        "omp_threads": faiss.omp_get_max_threads(),
        "results": results,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json_out}")


if __name__ == "__main__":
    main()
