"""`citebot info`: what the index holds, and whether the corpus changed since."""

from __future__ import annotations

import argparse

from bot.cli.environment import Environment, ExitStatus
from bot.config import Settings
from bot.corpus.freshness import corpus_changes
from bot.corpus.splitting import CUT_RULES
from bot.index.open import inspect_current
from bot.index.store import OUTDATED_CUT, check_model, outdated_cut
from bot.printable import printable


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
    config = settings.retrieval
    where, manifest = inspect_current(config.index_dir, config.database)  # every file checked, as `ask` needs
    check_model(manifest, settings.model)
    changes = corpus_changes(
        manifest.fingerprints(),
        manifest.skipped,
        settings.corpus_dir,
        settings.include,
        settings.exclude,
        settings.follow_links,
    )
    state = f"stale: {changes.describe()}; run `citebot index`" if changes.stale else "current"
    if outdated_cut(manifest, CUT_RULES):
        state += f" ({OUTDATED_CUT}; run `citebot index`)"
    environment.out("status     OK (every file matches its checksum)")
    environment.out(f"index      {where}")
    environment.out(f"built      {manifest.built_at}")
    environment.out(f"model      {manifest.model} ({manifest.dimension} dimensions)")
    environment.out(
        f"passages   {manifest.passages} ({manifest.ann}; target {manifest.splitter['target_tokens']} word pieces)"
    )
    precision = "int8" if manifest.quantized else "fp32"
    environment.out(f"encoder    {f'ONNX export, {precision}' if manifest.encoder_export else 'sentence-transformers'}")
    environment.out(f"corpus     {manifest.corpus_dir}: {state}")
    environment.out(f"documents  {len(manifest.documents)}")
    for entry in manifest.documents:
        passages = entry.last - entry.first
        environment.out(f"  {printable(entry.info.id)}: {printable(entry.info.title)} ({passages} passages)")
    for name in manifest.skipped:
        environment.out(f"  {printable(name)}: skipped (not UTF-8, empty, too large or unreadable)")
    return ExitStatus.OK
