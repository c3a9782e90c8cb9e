"""`citebot calibrate QUESTIONS.json`: choose the confidence threshold for these documents from data.

Asks every question of a set (see bot/evaluation/questions.py) against the current index and
reports, per threshold, how many answerable questions get the expected passage first and
confidently and how many unanswerable ones are flagged; the best balanced threshold with a
leave-one-out estimate of it; and, at the configured threshold, each kind and each miss.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from bot.cli.ask import open_or_build
from bot.cli.render import dumps
from bot.evaluation.questions import (
    Outcome,
    balanced_accuracy,
    best_threshold,
    by_kind,
    handled_right,
    leave_one_out,
    outcomes,
    tally,
)
from bot.settings import Settings

GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def run(args: argparse.Namespace, settings: Settings) -> int:
    retriever = open_or_build(settings)
    results = outcomes(retriever, args.questions)
    report = calibration(results, settings.min_score)
    print(dumps(report) if args.json else text(report, str(args.questions), settings.mode))
    return 0


def calibration(results: list[Outcome], configured: float) -> dict[str, Any]:
    """Everything `calibrate` reports, as one JSON-ready object."""
    best = round(best_threshold(results), 3)

    def counts(right: int, answerable: int, flagged: int, unanswerable: int) -> dict[str, int]:
        return {"answered_right": right, "answerable": answerable, "flagged": flagged, "unanswerable": unanswerable}

    return {
        "configured": {
            "threshold": configured,
            "balanced_accuracy": round(balanced_accuracy(results, configured), 4),
            **counts(*tally(results, configured)),
        },
        "best": {
            "threshold": best,
            "balanced_accuracy": round(balanced_accuracy(results, best), 4),
            **counts(*tally(results, best)),
        },
        "leave_one_out": counts(*leave_one_out(results)),
        "thresholds": [{"threshold": t, **counts(*tally(results, t))} for t in sorted({*GRID, configured, best})],
        "by_kind": {
            kind: {"right": done, "total": total} for kind, (done, total) in by_kind(results, configured).items()
        },
        "missed": [asdict(o) for o in results if not handled_right(o, configured)],
    }


def _share(done: int, total: int) -> str:
    return f"{done}/{total} ({done / total:.0%})"


def text(report: dict[str, Any], source: str, mode: str) -> str:
    configured, best, loo = report["configured"], report["best"], report["leave_one_out"]
    lines = [
        f"{source}: {configured['answerable']} answerable and {configured['unanswerable']} unanswerable "
        f"questions, {mode} retrieval.",
        "",
        "threshold  answered right at rank 1  unanswerable flagged",
    ]
    for row in report["thresholds"]:
        named = (("configured", configured), ("best balance", best))
        labels = [label for label, point in named if point["threshold"] == row["threshold"]]
        mark = f"  ({', '.join(labels)})" if labels else ""
        lines.append(
            f"{row['threshold']:9.3f}  {_share(row['answered_right'], row['answerable']):24}  "
            f"{_share(row['flagged'], row['unanswerable'])}{mark}"
        )
    lines += [
        "",
        f"Best balanced threshold: {best['threshold']:.3f}; judged leave-one-out (each question at the threshold "
        f"best for the others): {loo['answered_right']}/{loo['answerable']} answered right, "
        f"{loo['flagged']}/{loo['unanswerable']} flagged.",
        f"To use it: CITEBOT_MIN_SCORE={best['threshold']:.3f} (now {configured['threshold']})."
        if report["best"]["balanced_accuracy"] > configured["balanced_accuracy"]
        else f"The configured threshold {configured['threshold']} does as well.",
        "",
        f"At the configured threshold {configured['threshold']}, by kind of question:",
        *(f"  {kind:40} {c['right']:>3}/{c['total']} handled right" for kind, c in report["by_kind"].items()),
    ]
    if report["missed"]:
        lines += ["", "Missed at the configured threshold:"]
        lines += [f"  {_miss(o, configured['threshold'])}: {o['question']}" for o in report["missed"]]
    return "\n".join(lines)


def _miss(o: dict[str, Any], threshold: float) -> str:
    """Why one question was handled wrong, in a few words."""
    first = f"{o['top_where']} first, score {o['top_score']:.2f}"
    if not o["answerable"]:
        return f"answered ({first})"
    if not o["top_correct"]:
        return f"wrong passage ({first})"
    return f"not answered ({first}{'' if o['top_score'] < threshold else ', states no figure'})"
