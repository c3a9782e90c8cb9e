"""A question set with expected passages and unanswerable questions: how many does citebot get right?

Used to calibrate the confidence threshold (`CITEBOT_MIN_SCORE`) on data: by `citebot calibrate`
on any corpus, and by the tests on the seed article.

A question set is JSON: {"answerable": [{"question": ..., "expect": text of the passage that
answers it}, ...], "unanswerable": [{"question": ..., "why": "other topic"}, ...]}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.answer_kind import missing_kind
from bot.errors import BadQuestion, QuestionSetError
from bot.retriever import Retriever


@dataclass(frozen=True)
class Outcome:
    question: str
    answerable: bool
    top_score: float
    top_correct: bool  # for answerable questions: the expected text is in the first passage
    kind_stated: bool  # the first passage states the kind of answer the question asks for (see answer_kind)
    kind: str  # "answerable", or why the documents cannot answer it (other topic, near miss, ...)
    top_where: str = ""  # the first passage: "paragraph N of DOCUMENT_ID"


def load_questions(path: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The answerable and the unanswerable questions of a set (QuestionSetError if it is unusable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionSetError(f"There is no question set at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"The question set {path} cannot be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise QuestionSetError(f"The question set {path} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    answerable = _items(data, "answerable", ("question", "expect"), path)
    unanswerable = _items(data, "unanswerable", ("question",), path)
    if not answerable or not unanswerable:
        raise QuestionSetError(f"The question set {path} needs at least one answerable and one unanswerable question.")
    return answerable, unanswerable


def _items(data: Any, key: str, needed: tuple[str, ...], path: Path) -> list[dict[str, str]]:
    items = data.get(key, []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise QuestionSetError(f'The question set {path} must be an object with lists "answerable" and "unanswerable".')
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(field), str) for field in needed):
            raise QuestionSetError(f"{key} question {number} in {path} needs the text fields {', '.join(needed)}.")
    return items


def outcomes(retriever: Retriever, path: Path) -> list[Outcome]:
    """Ask every question once; record the first passage's score and whether it is the expected one."""
    answerable, unanswerable = load_questions(path)
    return [
        _outcome(retriever, item, number, kind)
        for kind, items in (("answerable", answerable), ("unanswerable", unanswerable))
        for number, item in enumerate(items, start=1)
    ]


def _outcome(retriever: Retriever, item: dict[str, str], number: int, kind: str) -> Outcome:
    try:
        top = retriever.ask(item["question"], k=1).hits[0]
    except BadQuestion as exc:
        raise QuestionSetError(f"{kind} question {number}: {exc}") from None
    return Outcome(
        question=item["question"],
        answerable=kind == "answerable",
        top_score=top.score,
        top_correct=kind == "answerable" and item["expect"] in top.passage.text,
        kind_stated=missing_kind(item["question"], top.passage.text) is None,
        kind=kind if kind == "answerable" else item.get("why", kind),
        top_where=f"paragraph {top.passage.paragraph} of {top.passage.doc_id}",
    )


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


def balanced_accuracy(results: list[Outcome], threshold: float) -> float:
    """The mean of the share of answerable questions handled right and the share of unanswerable ones."""
    right, answerable, flagged, unanswerable = tally(results, threshold)
    return (right / max(answerable, 1) + flagged / max(unanswerable, 1)) / 2


def best_threshold(results: list[Outcome]) -> float:
    """The threshold with the best balanced accuracy: a midpoint between two scores, and of the
    thresholds that tie for best, the middle one (the farthest from either edge of the plateau)."""
    scores = sorted({round(o.top_score, 4) for o in results})
    candidates = [(a + b) / 2 for a, b in pairwise(scores)] or scores
    accuracy = [balanced_accuracy(results, t) for t in candidates]
    best = [t for t, a in zip(candidates, accuracy, strict=True) if a == max(accuracy)]
    return best[len(best) // 2]


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
