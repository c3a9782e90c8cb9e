"""`citebot info`: what the index holds, and whether the corpus changed since."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.corpus.freshness import corpus_changes
from bot.corpus.splitting import CUT_RULES
from bot.index.open import current_manifest
from bot.index.store import OUTDATED_CUT, outdated_cut


def run(args: argparse.Namespace, settings: Settings) -> int:
    build, manifest = current_manifest(settings.retrieval)
    changes = corpus_changes(manifest, settings.corpus_dir)
    state = f"stale: {changes.describe()}; run `citebot index`" if changes.stale else "current"
    if outdated_cut(manifest, CUT_RULES):
        state += f" ({OUTDATED_CUT}; run `citebot index`)"
    print(f"index      {build}")
    print(f"built      {manifest.built_at}")
    print(f"model      {manifest.model} ({manifest.dimension} dimensions)")
    print(f"passages   {manifest.passages} ({manifest.ann}; target {manifest.splitter['target_tokens']} word pieces)")
    precision = "int8" if manifest.quantized else "fp32"
    print(f"encoder    {f'ONNX export, {precision}' if manifest.encoder_export else 'sentence-transformers'}")
    print(f"corpus     {manifest.corpus_dir}: {state}")
    print(f"documents  {len(manifest.documents)}")
    for entry in manifest.documents:
        print(f"  {entry.info.id}: {entry.info.title} ({entry.last - entry.first} passages)")
    for name in manifest.skipped:
        print(f"  {name}: skipped (not UTF-8, empty or unreadable)")
    return 0
