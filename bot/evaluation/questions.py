"""A question set with expected passages and unanswerable questions: how many does citebot get right?

Used to calibrate the confidence threshold (`CITEBOT_MIN_SCORE`) on data, and by the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bot.answer_kind import missing_kind
from bot.models import Hit
from bot.retriever import Retriever


@dataclass(frozen=True)
class Outcome:
    question: str
    answerable: bool
    top_score: float
    top_correct: bool  # for answerable questions: the expected text is in the first passage
    kind_stated: bool  # the first passage states the kind of answer the question asks for (see answer_kind)
    kind: str  # "answerable", or why the article cannot answer it (other topic, near miss, ...)


def load_questions(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["answerable"], data["unanswerable"]


def outcomes(retriever: Retriever, path: Path) -> list[Outcome]:
    """Ask every question once; record the first passage's score and whether it is the expected one."""
    answerable, unanswerable = load_questions(path)
    result = []
    for item in answerable:
        top = retriever.ask(item["question"], k=1).hits[0]
        correct = item["expect"] in top.passage.text
        result.append(Outcome(item["question"], True, top.score, correct, _states(item, top), "answerable"))
    for item in unanswerable:
        top = retriever.ask(item["question"], k=1).hits[0]
        result.append(Outcome(item["question"], False, top.score, False, _states(item, top), item["why"]))
    return result


def _states(item: dict[str, str], top: Hit) -> bool:
    return missing_kind(item["question"], top.passage.text) is None


def handled_right(o: Outcome, threshold: float) -> bool:
    """An answerable question is answered (confidently) with the expected passage first; any other is flagged.

    As in Retriever.ask, a question is answered when the first passage scores at least `threshold`
    and states the kind of answer the question asks for.
    """
    answered = o.top_score >= threshold and o.kind_stated
    return o.top_correct and answered if o.answerable else not answered


def tally(results: list[Outcome], threshold: float) -> tuple[int, int, int, int]:
    """(answerable right at rank 1 and confident, answerable, unanswerable flagged, unanswerable)."""
    answerable = [o for o in results if o.answerable]
    unanswerable = [o for o in results if not o.answerable]
    right = sum(handled_right(o, threshold) for o in answerable)
    flagged = sum(handled_right(o, threshold) for o in unanswerable)
    return right, len(answerable), flagged, len(unanswerable)


def by_kind(results: list[Outcome], threshold: float) -> dict[str, tuple[int, int]]:
    """For each kind of question: (handled right at `threshold`, how many)."""
    counts: dict[str, tuple[int, int]] = {}
    for o in results:
        right = handled_right(o, threshold)
        done, total = counts.get(o.kind, (0, 0))
        counts[o.kind] = (done + right, total + 1)
    return counts


def best_threshold(results: list[Outcome]) -> float:
    """The threshold that maximises the balanced accuracy of answering vs flagging (midpoint of the best gap)."""
    scores = sorted({round(o.top_score, 4) for o in results})
    candidates = [(a + b) / 2 for a, b in pairwise(scores)] or scores

    def balanced(threshold: float) -> float:
        right, answerable, flagged, unanswerable = tally(results, threshold)
        return right / answerable + flagged / unanswerable

    return max(candidates, key=balanced)


def leave_one_out(results: list[Outcome]) -> tuple[int, int, int, int]:
    """As `tally`, but each question is judged at the threshold best for all the other questions.

    The threshold is chosen on the same set it is reported on; this estimates how it does on a
    question it was not chosen on.
    """
    right = flagged = 0
    for i, o in enumerate(results):
        ok = handled_right(o, best_threshold(results[:i] + results[i + 1 :]))
        right += o.answerable and ok
        flagged += not o.answerable and ok
    answerable = sum(o.answerable for o in results)
    return right, answerable, flagged, len(results) - answerable
