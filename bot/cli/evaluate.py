"""`citebot eval DATASET_DIR`: score retrieval on a BEIR-format folder, one row per mode."""

from __future__ import annotations

import argparse

from bot.cli.progress import progress_bar
from bot.cli.render import dumps
from bot.config import Settings
from bot.evaluation.runner import REPORTED, EvalResult, run_eval
from bot.retrieval.mode import Mode


def run(args: argparse.Namespace, settings: Settings) -> int:
    # hybrid last, so the default's row sits under the two it combines
    modes = tuple(Mode) if args.mode == "all" else (Mode(args.mode),)
    results = run_eval(
        args.dataset,
        settings,
        modes,
        k=args.k,
        split=args.split,
        limit=args.limit,
        workdir=args.workdir,
        progress=progress_bar,
    )
    if args.json:
        for result in results:
            print(dumps(result.as_json()))
    else:
        print(table(results))
    return 0


def table(results: list[EvalResult]) -> str:
    """A plain-text table: one row per mode, every metric, build time and queries per second."""
    first = results[0]
    header = ["mode", *REPORTED, "queries/s"]
    rows = [[r.mode, *(f"{r.metrics[name]:.4f}" for name in REPORTED), f"{r.queries_per_second:.1f}"] for r in results]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"{first.dataset} ({first.queries} queries, {first.documents} documents, {first.passages} passages, "
        f"index built in {first.build_seconds:.1f} s)",
        "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)),
        *("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows),
    ]
    return "\n".join(lines)
