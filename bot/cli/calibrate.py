"""`citebot calibrate QUESTIONS.json`: choose the confidence threshold for these documents from data.

Asks every question of a set (see bot/evaluation/questions.py) against the current index and
reports, per threshold, how many answerable questions get the expected passage first and
confidently and how many unanswerable ones are flagged; the best balanced threshold with a
leave-one-out estimate of it; and, at the configured threshold, each category and each miss.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from bot.cli.ask import open_or_build
from bot.cli.environment import Environment, ExitStatus
from bot.cli.render import dumps
from bot.config import Settings
from bot.evaluation.questions import (
    Outcome,
    balanced_accuracy,
    best_threshold,
    by_category,
    handled_right,
    leave_one_out,
    load_questions,
    outcomes,
    separation,
    tally,
    unmatched,
    warnings,
)
from bot.retrieval.answer_kind import wanted_kind

GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
FEW = 10  # fewer questions than this on either side make the threshold a rough guess


def run(args: argparse.Namespace, settings: Settings, environment: Environment) -> int:
    questions = load_questions(args.questions)  # a bad set is refused before any index is built
    retriever = open_or_build(settings, environment)
    for number in unmatched(retriever, questions):
        environment.err(
            f"warning: the expected text of answerable question {number} is in no passage "
            "(check its spelling and quotes): it cannot be answered right."
        )
    results = outcomes(retriever, questions)
    report = calibration(results, settings.min_score)
    if min(report["configured"]["answerable"], report["configured"]["unanswerable"]) < FEW:
        environment.err(f"note: with fewer than {FEW} questions on a side, the best threshold is a rough guess.")
    encoder = "ONNX int8" if retriever.manifest.quantized else "fp32"
    info = retriever.info
    index = f"{_plural(info.documents, 'document')}, {_plural(info.passages, 'passage')}, {info.model} ({encoder})"
    if args.json:
        environment.out(dumps({**report, "mode": settings.mode, "index": index}))
    elif environment.stdout_isatty:
        from bot.cli.terminal import print_lines, print_table

        print_lines(environment, [_intro(report, args, settings, index), ""])
        print_table(environment, list(TABLE_HEADER), _rows(report), numeric=(True, True, False))
        print_lines(environment, _outro(report))
    else:
        environment.out(text(report, args, settings, index))
    return ExitStatus.OK


def calibration(results: list[Outcome], configured: float) -> dict[str, Any]:
    """Everything `calibrate` reports, as one JSON-ready object."""
    best = best_threshold(results)

    def point(threshold: float) -> dict[str, Any]:
        right, answerable, flagged, unanswerable = tally(results, threshold)
        return {
            "threshold": round(threshold, 5),
            "balanced_accuracy": round(balanced_accuracy(results, threshold), 4),
            "answered_right": right,
            "answerable": answerable,
            "flagged": flagged,
            "unanswerable": unanswerable,
        }

    right, answerable, flagged, unanswerable = leave_one_out(results)
    files = [o.top_file_right for o in results if o.top_file_right is not None]
    overlap = separation(results)
    return {
        "configured": point(configured),
        "best": point(best),
        "leave_one_out": {
            "answered_right": right,
            "answerable": answerable,
            "flagged": flagged,
            "unanswerable": unanswerable,
        },
        "thresholds": [point(t) for t in sorted({*GRID, configured, best})],
        "by_category": {
            name: {"right": done, "total": total} for name, (done, total) in by_category(results, configured).items()
        },
        "missed": [asdict(o) for o in results if not handled_right(o, configured)],
        "right_file_first": {"right": sum(files), "total": len(files)} if files else None,
        "separation": None if overlap is None else round(overlap, 4),
        "warnings": warnings(results, best),
    }


def _share(done: int, total: int) -> str:
    return f"{done}/{total} ({done / total:.0%})"


def _number(threshold: float) -> str:
    """A threshold as short as it can be written without changing it (0.374, 0.36445)."""
    return f"{threshold:.5f}".rstrip("0").rstrip(".")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


TABLE_HEADER = ("threshold", "answered right at rank 1", "unanswerable flagged")


def text(report: dict[str, Any], args: argparse.Namespace, settings: Settings, index: str) -> str:
    """The readable report, in plain text (what a pipe or a file gets)."""
    lines = [_intro(report, args, settings, index), "", "  ".join(TABLE_HEADER)]
    lines += [f"{threshold:>9}  {right:24}  {flagged}" for threshold, right, flagged in _rows(report)]
    return "\n".join([*lines, *_outro(report)])


def _intro(report: dict[str, Any], args: argparse.Namespace, settings: Settings, index: str) -> str:
    configured = report["configured"]
    return (
        f"{args.questions}: {_plural(configured['answerable'], 'answerable question')} and "
        f"{configured['unanswerable']} unanswerable, {settings.mode} retrieval; index: {index}."
    )


def _rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """One row per threshold: the threshold, answered right, flagged (the configured and best marked)."""
    configured, best = report["configured"], report["best"]
    rows = []
    for row in report["thresholds"]:
        labels = [label for label, point in (("configured", configured), ("best", best)) if point == row]
        mark = f"  ({', '.join(labels)})" if labels else ""
        rows.append(
            (
                _number(row["threshold"]),
                _share(row["answered_right"], row["answerable"]),
                f"{_share(row['flagged'], row['unanswerable'])}{mark}",
            )
        )
    return rows


def _outro(report: dict[str, Any]) -> list[str]:
    """What follows the table: the best threshold, the categories, every miss."""
    configured, best, loo = report["configured"], report["best"], report["leave_one_out"]
    lines = [
        "",
        f"Best balanced threshold: {_number(best['threshold'])}. Judged leave-one-out (each question at the "
        f"threshold best for the others): {loo['answered_right']}/{loo['answerable']} answered right, "
        f"{loo['flagged']}/{loo['unanswerable']} flagged.",
        f"To use it: CITEBOT_MIN_SCORE={_number(best['threshold'])} (now {_number(configured['threshold'])})."
        if best["balanced_accuracy"] > configured["balanced_accuracy"]
        else f"The configured threshold {_number(configured['threshold'])} does as well.",
        *(
            [f"Right file first: {_share(report['right_file_first']['right'], report['right_file_first']['total'])}."]
            if report["right_file_first"]
            else []
        ),
        *(f"warning: {warning['message']}" for warning in report["warnings"]),
        "",
        f"At the configured threshold {_number(configured['threshold'])}, by category of question:",
        *(f"  {name:40} {c['right']:>3}/{c['total']} handled right" for name, c in report["by_category"].items()),
    ]
    if report["missed"]:
        lines += ["", "Missed at the configured threshold (the first passage, its score):"]
        lines += [f"  {_miss(o, configured['threshold'])}: {o['question']}" for o in report["missed"]]
    return lines


def _miss(o: dict[str, Any], threshold: float) -> str:
    """Why one question was handled wrong, in a few words."""
    first = f"{o['top_where']}, {o['top_score']:.4f}"
    if not o["answerable"]:
        return f"not flagged ({first})"
    if not o["top_correct"]:
        return f"wrong passage ({first})"
    if o["top_score"] < threshold:
        return f"below the threshold ({first})"
    kind = wanted_kind(o["question"])
    return f"states no {kind.name.removeprefix('an ').removeprefix('a ') if kind else 'figure'} ({first})"
