"""Calibrate and check the confidence threshold on the seed article's question set.

Run: .venv/bin/python bench/article_questions.py [--mode hybrid]
     .venv/bin/python bench/article_questions.py --corpus tests/data/heldout/corpus \
         --questions tests/data/heldout/questions.json
Prints the score of each question; per threshold, how many answerable questions are answered
right at rank 1 and how many unanswerable ones are flagged; and at the configured threshold,
how many of each kind of question (off-topic, gibberish, near misses...) are handled right;
and a leave-one-out estimate: each question judged at the threshold best for all the others.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bot.evaluation.questions import best_threshold, by_kind, leave_one_out, outcomes, tally
from bot.indexer import build_index
from bot.retriever import Retriever
from bot.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", default="hybrid", choices=("dense", "bm25", "hybrid"))
    parser.add_argument("--questions", type=Path, default=REPO / "tests" / "data" / "article_questions.json")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus", help="documents the questions are about")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(args.corpus, Path(tmp) / "corpus")
        settings = Settings.from_env().with_values(  # CITEBOT_* settings apply, e.g. CITEBOT_PASSAGE_TOKENS
            {"corpus_dir": Path(tmp) / "corpus", "index_dir": Path(tmp) / "index", "mode": args.mode}
        )
        build_index(settings, notify=lambda message: None)
        results = outcomes(Retriever.open(settings), args.questions)
    for o in sorted(results, key=lambda o: -o.top_score):
        mark = ("right" if o.top_correct else "WRONG") if o.answerable else "unanswerable"
        print(f"{o.top_score:7.4f}  {mark:12}  {o.question}")
    best = best_threshold(results)
    print(f"\n{'threshold':>9}  answered right at rank 1  unanswerable flagged")
    for threshold in sorted({round(best, 3), 0.25, 0.3, 0.35, 0.4, 0.45}):
        right, answerable, flagged, unanswerable = tally(results, threshold)
        print(
            f"{threshold:9.3f}  {right:>3}/{answerable} ({right / answerable:.0%}){'':10}"
            f"{flagged:>3}/{unanswerable} ({flagged / unanswerable:.0%})"
        )
    print(f"best balanced threshold: {best:.3f}")
    right, answerable, flagged, unanswerable = leave_one_out(results)
    print(
        f"leave-one-out (each question at the threshold best for the others): {right}/{answerable} answered "
        f"right, {flagged}/{unanswerable} flagged"
    )
    threshold = settings.min_score
    print(f"\nat the configured threshold {threshold}:")
    for kind, (right, total) in by_kind(results, threshold).items():
        print(f"  {kind:40} {right:>3}/{total} handled right")


if __name__ == "__main__":
    main()
