"""Query latency on a SciFact-sized index: cold processes, and warm questions inside one process.

Cold: wall time of whole processes, from start to exit (the answer printed), `--reps` rounds in a
shuffled order so background load hits every command alike: `python -c pass`, the import floor
(numpy, faiss, onnxruntime, tokenizers), `citebot --help`, `citebot info`, `citebot ask` on a few
questions (hybrid, and dense), and the peer baseline (sentence-transformers + a flat FAISS index
over the same vectors). A probe then times, in one fresh process, each step `ask` takes.

Warm: `Retriever.ask` p50/p99 over `--queries` SciFact questions against the raw floor in the same
run: a bare `OnnxEncoder.encode([q])` plus a bare `faiss` search (k=50) of the same index, and the
parts of `ask` (encode, dense search, BM25, rank), interleaved question by question. Then each of
the floor (ONNX Runtime on all cores or 1 thread; faiss on 1 thread or all) and `ask` alone in a fresh
process that holds nothing else, taking turns.

    .venv/bin/python bench/query_latency.py [--reps 7] [--queries 200] [--only cold|warm] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    STEP_TIMER,
    clean_env,
    cold_commands,
    current_build,
    ensure_index,
    note,
    print_table,
    questions,
    run_timed,
    summary,
    workdir_argument,
    write_json,
)

from bot.config import Settings

# Query ids 0, 2 and 4 of queries.jsonl: three SciFact claims.
COLD_QUESTIONS = 3

FLOOR = "floor: OnnxEncoder.encode + faiss search k=50"
# argv: corpus dir, index dir, what (floor | hybrid | dense), ONNX threads, faiss threads; stdin: the questions.
# One task alone in a fresh process that holds nothing else; prints the milliseconds of each question.
ALONE_PROBE = """
import json, sys, time
from pathlib import Path
import faiss
from bot.encoders.onnx import OnnxEncoder
from bot.retrieval.retriever import Retriever
from bot.config import Settings
from bot.index.store import current_build
corpus, index_dir, what, onnx_threads, faiss_threads = sys.argv[1:]
asked = json.load(sys.stdin)
if what == "floor":
    build = current_build(Path(index_dir))
    encoder = OnnxEncoder(build / "onnx", threads=int(onnx_threads))
    index = faiss.read_index(str(build / "faiss.index"))
    faiss.omp_set_num_threads(int(faiss_threads))
    task = lambda q: index.search(encoder.encode([q]), 50)
else:
    settings = Settings.from_env(environ={}, dotenv=None).with_values({"corpus_dir": corpus, "index_dir": index_dir})
    retriever = Retriever.open(settings.retrieval)
    task = lambda q: retriever.ask(q, mode=what)
for q in asked[:10]:
    task(q)
times = []
for q in asked:
    started = time.perf_counter()
    task(q)
    times.append(1000 * (time.perf_counter() - started))
print(json.dumps(times))
"""

# One fresh process: each step `citebot ask` takes, timed by calling the same functions.
STAGE_PROBE = (
    STEP_TIMER
    + """
import bot.cli.ask, bot.cli.main
t = step("import bot.cli.ask (numpy, faiss)", t)
import faiss
from bot.corpus.freshness import corpus_changes
from bot.index.lexical import LexicalIndex
from bot.retrieval.retriever import Retriever, load_query_encoder
from bot.config import Settings
from bot.index.files import FileIndex
from bot.index.store import current_build, read_manifest, read_passages
from bot.index.vectors import Vectors
settings = Settings.from_env(environ={}, dotenv=None).with_values({"corpus_dir": sys.argv[1], "index_dir": sys.argv[2]})
t = clock()
build = current_build(settings.index_dir)
manifest = read_manifest(build)
t = step("read manifest (+ file size checks)", t)
index = FileIndex(build, manifest)
encoder = load_query_encoder(settings.retrieval, index)
t = step("load ONNX encoder (import onnxruntime)", t)
read_passages(build, manifest.passages)
t = step("read passages.jsonl", t)
Vectors.load(build, mmap=True)
faiss.read_index(str(build / "faiss.index"))
t = step("load vectors (mmap) + faiss index", t)
corpus_changes(manifest.fingerprints(), manifest.skipped, settings.corpus_dir)
t = step("freshness check (stat the corpus)", t)
LexicalIndex.load(build / "bm25")
t = step("load BM25", t)
retriever = Retriever(settings.retrieval, index, encoder)
t = clock()
retriever.ask(sys.argv[3], mode="dense")
t = step("first ask, dense (first ONNX run)", t)
retriever.ask(sys.argv[3])
t = step("first hybrid ask", t)
retriever.ask(sys.argv[3])
t = step("second hybrid ask", t)
heavy = ("torch", "transformers", "sentence_transformers", "bm25s", "scipy", "numba", "tqdm", "discord")
print(json.dumps({"stages": times, "heavy_modules": [m for m in heavy if m in sys.modules]}))
"""
)


def cold(settings: Settings, asked: list[str], reps: int) -> dict[str, Any]:
    """`reps` shuffled rounds of every cold command; the median, min and max of each."""
    commands = cold_commands(settings, asked, with_help=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    order = list(commands)
    shuffle = random.Random(0)
    for rep in range(reps):
        shuffle.shuffle(order)
        for name in order:
            argv, command_env = commands[name]
            times[name].append(run_timed(argv, env=command_env)[0])
        note(f"cold round {rep + 1}/{reps} done")
    stats = {name: summary(values) for name, values in times.items()}
    asks = [t for name, values in times.items() if name.startswith("citebot ask (hybrid)") for t in values]
    stats["citebot ask (hybrid), all questions"] = summary(asks)

    probe = [sys.executable, "-c", STAGE_PROBE, str(settings.corpus_dir), str(settings.index_dir), asked[0]]
    stage_runs = [json.loads(run_timed(probe)[1]) for _ in range(max(1, reps // 2))]
    stages = {name: summary([run["stages"][name] for run in stage_runs]) for name in stage_runs[0]["stages"]}

    peer = stats["peer: sentence-transformers + faiss q1"]["median"]
    rows = [
        [name, s["n"], s["median"], s["min"], s["max"], peer / s["median"] if name.startswith("citebot ask") else ""]
        for name, s in stats.items()
    ]
    print_table("Cold processes (seconds, start to exit)", ["command", "n", "median", "min", "max", "peer/this"], rows)
    print_table(
        "Where a cold `citebot ask` spends its time (one fresh process, steps timed separately)",
        ["step", "n", "median s", "min s", "max s"],
        [[name, s["n"], s["median"], s["min"], s["max"]] for name, s in stages.items()],
    )
    print(f"heavy modules imported by the probe: {stage_runs[0]['heavy_modules'] or 'none'}")
    return {
        "questions": asked,
        "commands": stats,
        "raw_seconds": times,
        "ask_stages": stages,
        "ask_heavy_modules": stage_runs[0]["heavy_modules"],
    }


def warm(settings: Settings, asked: list[str]) -> dict[str, Any]:
    """Per-question latency of `Retriever.ask` (hybrid, dense), its parts, and the raw floor, interleaved."""
    import faiss

    from bot.encoders.onnx import default_threads
    from bot.index import dense as ann
    from bot.index.files import FileIndex
    from bot.index.store import FAISS, read_manifest
    from bot.retrieval.retriever import Retriever, load_query_encoder

    build = current_build(settings)
    files = FileIndex(build, read_manifest(build))
    retriever = Retriever(settings.retrieval, files, load_query_encoder(settings.retrieval, files))
    # The floor calls the same OnnxEncoder object bare: a second ONNX Runtime session in this process
    # would add a second pool of spinning threads and slow everything else on 2 cores.
    encoder = retriever.encoder
    index = faiss.read_index(str(build / FAISS))  # the floor's own, bare FAISS object
    depth = 50
    vectors = {q: encoder.encode([q])[0] for q in asked}

    # faiss on one thread, its fastest for one query on 2 cores (bot/ann.py): an OpenMP pool woken once
    # keeps spinning and would slow every other task in this process.
    faiss.omp_set_num_threads(1)
    tasks: dict[str, Callable[[str], object]] = {
        FLOOR: lambda q: index.search(encoder.encode([q]), depth),
        "ask (hybrid, default)": lambda q: retriever.ask(q),
        "ask --mode dense": lambda q: retriever.ask(q, mode="dense"),
        "part: encode (ONNX)": lambda q: encoder.encode([q]),
        "part: ann.search k=50": lambda q: ann.search(files.index, vectors[q][None, :], depth),
        "part: BM25 scores (all rows)": lambda q: files.lexical.scores(q),
        "part: BM25 search k=50": lambda q: files.lexical.search(q, depth),
        "part: rank dense (search + sentence scoring)": lambda q: retriever.rank(q, vectors[q], depth, "dense"),
        "part: rank hybrid": lambda q: retriever.rank(q, vectors[q], depth, "hybrid"),
    }
    for q in asked[:10]:  # warm-up: first ONNX runs
        for task in tasks.values():
            task(q)
    times: dict[str, list[float]] = {name: [] for name in tasks}
    names = list(tasks)
    for number, q in enumerate(asked):
        for name in names[number % len(names) :] + names[: number % len(names)]:  # rotate: no fixed order
            started = time.perf_counter()
            tasks[name](q)
            times[name].append(time.perf_counter() - started)
    stats = {name: summary([1000 * t for t in values]) for name, values in times.items()}
    stats.update(alone_in_process(settings, asked))
    base = stats[FLOOR]
    rows = [
        [name, s["n"], s["median"], s["p90"], s["p99"], s["median"] / base["median"], s["p99"] / base["p99"]]
        for name, s in stats.items()
    ]
    print_table(
        f"Warm, one process, {len(asked)} SciFact questions (milliseconds)",
        ["what", "n", "p50", "p90", "p99", "p50/floor", "p99/floor"],
        rows,
    )
    hybrid, dense = stats["ask (hybrid, default)"], stats["ask --mode dense"]
    alone_floor = stats[f"alone: floor (ONNX {default_threads()} threads, faiss 1)"]
    alone_hybrid = stats["alone: ask (hybrid)"]
    ratios = {
        "ask_hybrid_p50_over_floor": hybrid["median"] / base["median"],
        "ask_hybrid_p99_over_floor": hybrid["p99"] / base["p99"],
        "ask_dense_p50_over_floor": dense["median"] / base["median"],
        "ask_dense_p99_over_floor": dense["p99"] / base["p99"],
        "hybrid_p50_over_dense": hybrid["median"] / dense["median"],
        "alone_ask_hybrid_p50_over_alone_floor": alone_hybrid["median"] / alone_floor["median"],
        "alone_ask_hybrid_p99_over_alone_floor": alone_hybrid["p99"] / alone_floor["p99"],
    }
    print("\n" + "\n".join(f"{name:40} {value:.2f}" for name, value in ratios.items()))
    return {
        "queries": len(asked),
        "passages": len(retriever.passages),
        "depth": depth,
        "milliseconds": stats,
        "ratios": ratios,
        "faiss_index": ann.describe(index),
        "onnx_threads": default_threads(),
    }


def alone_in_process(settings: Settings, asked: list[str], rounds: int = 2) -> dict[str, dict[str, float]]:
    """Each task alone in fresh processes, `rounds` times in turn: the floor (default ONNX threads, 1 thread;
    faiss on 1 thread or its default), ask hybrid and ask dense; per-question milliseconds pooled over rounds."""
    from bot.encoders.onnx import default_threads

    cores = default_threads()
    variants = {
        f"alone: floor (ONNX {cores} threads, faiss 1)": ("floor", cores, 1),
        "alone: floor (ONNX 1 thread, faiss 1)": ("floor", 1, 1),
        f"alone: floor (ONNX {cores} threads, faiss {cores})": ("floor", cores, cores),
        "alone: ask (hybrid)": ("hybrid", cores, 1),
        "alone: ask --mode dense": ("dense", cores, 1),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (what, onnx_threads, faiss_threads) in variants.items():
            argv = [sys.executable, "-c", ALONE_PROBE, str(settings.corpus_dir), str(settings.index_dir), what]
            argv += [str(onnx_threads), str(faiss_threads)]
            done = subprocess.run(argv, input=json.dumps(asked), capture_output=True, text=True, env=clean_env())
            if done.returncode != 0:
                raise RuntimeError(f"the {name!r} probe failed: {done.stderr.strip()[-500:]}")
            times[name].extend(json.loads(done.stdout))
    return {name: summary(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    workdir_argument(parser)
    parser.add_argument("--reps", type=int, default=7, help="cold rounds (default 7)")
    parser.add_argument("--queries", type=int, default=200, help="warm questions (default 200)")
    parser.add_argument("--only", choices=("cold", "warm"), help="run one half only")
    args = parser.parse_args()
    settings = ensure_index(args.workdir, args.data, args.docs)
    asked = questions(args.data, limit=max(args.queries, COLD_QUESTIONS))
    result: dict[str, Any] = {"workdir": str(Path(args.workdir).resolve())}
    if args.only != "warm":
        result["cold"] = cold(settings, asked[:COLD_QUESTIONS], args.reps)
    if args.only != "cold":
        result["warm"] = warm(settings, asked[: args.queries])
    write_json("query_latency", result)


if __name__ == "__main__":
    main()
