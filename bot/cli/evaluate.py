"""`citebot eval DATASET_DIR`: score retrieval on a BEIR-format folder, one row per mode."""

from __future__ import annotations

import argparse

from bot.cli.environment import Environment, ExitStatus
from bot.cli.render import dumps
from bot.config import Settings
from bot.evaluation.runner import REPORTED, EvalResult, run_eval
from bot.retrieval.mode import Mode


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
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
        progress=environment.progress,
    )
    if args.json:
        for result in results:
            environment.out(dumps(result.as_json()))
    elif environment.stdout_isatty:
        from bot.cli.terminal import print_lines, print_table

        print_lines(environment, [_title(results)])
        header, rows = _cells(results)
        print_table(environment, header, rows, numeric=[False] + [True] * (len(header) - 1))
    else:
        environment.out(table(results))
    return ExitStatus.OK


def table(results: list[EvalResult]) -> str:
    """A plain-text table: one row per mode, every metric, build time and queries per second."""
    header, rows = _cells(results)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        _title(results),
        "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)),
        *("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows),
    ]
    return "\n".join(lines)


def _title(results: list[EvalResult]) -> str:
    first = results[0]
    return (
        f"{first.dataset} ({first.queries} queries, {first.documents} documents, {first.passages} passages, "
        f"index built in {first.build_seconds:.1f} s)"
    )


def _cells(results: list[EvalResult]) -> tuple[list[str], list[list[str]]]:
    header = ["mode", *REPORTED, "queries/s"]
    rows = [[r.mode, *(f"{r.metrics[name]:.4f}" for name in REPORTED), f"{r.queries_per_second:.1f}"] for r in results]
    return header, rows
