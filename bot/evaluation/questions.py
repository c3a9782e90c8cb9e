"""A question set with expected passages and unanswerable questions: how many does citebot get right?

Used to calibrate the confidence threshold (`CITEBOT_MIN_SCORE`) on data: by `citebot calibrate`
on any corpus, and by the tests on the seed article.

A question set is JSON: {"answerable": [{"question": ..., "expect": text of the passage that
answers it, "file": optionally the answering document's path, "page": and its PDF page}, ...],
"unanswerable": [{"question": ..., "why": "other topic"}, ...]}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import BadQuestion, QuestionSetError
from bot.retrieval.answer_kind import missing_kind
from bot.retrieval.citation import location
from bot.retrieval.question import clean_question
from bot.retrieval.retriever import Retriever, is_answered


@dataclass(frozen=True)
class Question:
    text: str  # as cleaned for retrieval
    expect: str | None  # the text of the passage that answers it; None if the documents cannot
    category: str  # "answerable", or why the documents cannot answer it (other topic, near miss, ...)
    file: str | None = None  # the answering document's id (its path in the corpus), when the set says
    page: int | None = None  # the answering PDF page, when the set says


@dataclass(frozen=True)
class Outcome:
    question: str
    answerable: bool
    top_score: float
    top_correct: bool  # for answerable questions: the expected text is in the first passage
    figure_stated: bool  # the first passage states the figure the question asks for, if any (answer_kind)
    category: str  # "answerable", or why the documents cannot answer it
    top_where: str = ""  # the first passage: "paragraph N of DOCUMENT_ID"
    top_file_right: bool | None = None  # the first passage is from the expected file (None: the set names none)


def load_questions(path: Path) -> list[Question]:
    """The questions of a set, answerable first (QuestionSetError, naming the problem, if it is unusable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionSetError(f"There is no question set at {path}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"The question set {path} cannot be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise QuestionSetError(f"The question set {path} is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    unknown = sorted(set(data) - {"answerable", "unanswerable"}) if isinstance(data, dict) else []
    if unknown:
        raise QuestionSetError(
            f'The question set {path} has unknown keys {unknown}: only "answerable" and "unanswerable".'
        )
    questions = _questions(data, "answerable", path) + _questions(data, "unanswerable", path)
    if not any(q.expect is not None for q in questions) or all(q.expect is not None for q in questions):
        raise QuestionSetError(f"The question set {path} needs at least one answerable and one unanswerable question.")
    seen: set[str] = set()
    for question in questions:
        if question.text.lower() in seen:
            raise QuestionSetError(f'The question set {path} asks "{question.text}" twice.')
        seen.add(question.text.lower())
    return questions


def _questions(data: Any, key: str, path: Path) -> list[Question]:
    items = data.get(key, []) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise QuestionSetError(f'The question set {path} must be an object with lists "answerable" and "unanswerable".')
    questions = []
    for number, item in enumerate(items, start=1):
        where = f"{key} question {number} in {path}"
        needed, allowed = (
            (("question", "expect"), {"question", "expect", "file", "page"})
            if key == "answerable"
            else (("question",), {"question", "why"})
        )
        if not isinstance(item, dict) or not all(isinstance(item.get(field), str) for field in needed):
            raise QuestionSetError(f"{where.capitalize()} needs the text fields {', '.join(needed)}.")
        if set(item) - allowed:
            raise QuestionSetError(
                f"{where.capitalize()} has fields {sorted(set(item) - allowed)}; it takes {sorted(allowed)}."
            )
        if key == "answerable" and not item["expect"].strip():
            raise QuestionSetError(f'{where.capitalize()} has an empty "expect".')
        if not isinstance(item.get("why", ""), str) or not isinstance(item.get("file", ""), str):
            raise QuestionSetError(
                f'{where.capitalize()} has a "{"why" if key != "answerable" else "file"}" that is not text.'
            )
        page = item.get("page")
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise QuestionSetError(f'{where.capitalize()} has a "page" that is not a page number (1 or more).')
        try:
            text, _ = clean_question(item["question"])
        except BadQuestion:
            raise QuestionSetError(f"{where.capitalize()} is empty.") from None
        category = "answerable" if key == "answerable" else item.get("why") or "unanswerable"
        questions.append(
            Question(text, item["expect"] if key == "answerable" else None, category, item.get("file"), page)
        )
    return questions


def unmatched(retriever: Retriever, questions: list[Question]) -> list[int]:
    """The 1-based numbers of answerable questions whose expected text is in no passage (a typo?)."""
    passages = [retriever.passages[row].text for row in range(len(retriever.passages))]
    expected = [q.expect for q in questions if q.expect is not None]
    return [n for n, expect in enumerate(expected, start=1) if not any(expect in text for text in passages)]


def outcomes(retriever: Retriever, questions: list[Question]) -> list[Outcome]:
    """Ask every question once; record the first passage's score and whether it is the expected one."""
    return [_outcome(retriever, q) for q in questions]


def _outcome(retriever: Retriever, question: Question) -> Outcome:
    top = retriever.ask(question.text, k=1).hits[0]
    return Outcome(
        question=question.text,
        answerable=question.expect is not None,
        top_score=top.score,
        top_correct=question.expect is not None and question.expect in top.passage.text,
        figure_stated=missing_kind(question.text, top.passage.text) is None,
        category=question.category,
        top_where=f"{location(top.passage)} of {top.passage.doc_id}",
        top_file_right=None if question.file is None else top.passage.doc_id == question.file,
    )


def handled_right(o: Outcome, threshold: float) -> bool:
    """An answerable question is answered (confidently) with the expected passage first; any other is flagged."""
    answered = is_answered(o.top_score, threshold, o.figure_stated)
    return o.top_correct and answered if o.answerable else not answered


def tally(results: list[Outcome], threshold: float) -> tuple[int, int, int, int]:
    """(answerable right at rank 1 and confident, answerable, unanswerable flagged, unanswerable)."""
    answerable = [o for o in results if o.answerable]
    unanswerable = [o for o in results if not o.answerable]
    right = sum(handled_right(o, threshold) for o in answerable)
    flagged = sum(handled_right(o, threshold) for o in unanswerable)
    return right, len(answerable), flagged, len(unanswerable)


def by_category(results: list[Outcome], threshold: float) -> dict[str, tuple[int, int]]:
    """For each category of question: (handled right at `threshold`, how many)."""
    counts: dict[str, tuple[int, int]] = {}
    for o in results:
        right = handled_right(o, threshold)
        done, total = counts.get(o.category, (0, 0))
        counts[o.category] = (done + right, total + 1)
    return counts


def balanced_accuracy(results: list[Outcome], threshold: float) -> float:
    """The mean of the share of answerable questions handled right and the share of unanswerable ones."""
    right, answerable, flagged, unanswerable = tally(results, threshold)
    return (right / max(answerable, 1) + flagged / max(unanswerable, 1)) / 2


def best_threshold(results: list[Outcome]) -> float:
    """The threshold with the best balanced accuracy: a midpoint between two neighbouring scores (or
    just outside them all), and of the candidates that tie for best, the middle one.

    A sweep over sorted scores: O(n log n), so that leave_one_out stays quick on large sets.
    """
    scores = np.unique(np.round([o.top_score for o in results], 4))
    # Between each two neighbouring scores, and just below the lowest and above the highest.
    candidates = np.concatenate([scores[:1] - 1e-4, (scores[:-1] + scores[1:]) / 2, scores[-1:] + 1e-4])
    # Answerable questions that a low enough threshold gets right, and unanswerable ones that only
    # a high enough threshold flags (the others are right or wrong whatever the threshold).
    can_answer = np.sort([o.top_score for o in results if o.answerable and o.top_correct and o.figure_stated])
    can_flag = np.sort([o.top_score for o in results if not o.answerable and o.figure_stated])
    always_flagged = sum(not o.answerable and not o.figure_stated for o in results)
    answerable = max(sum(o.answerable for o in results), 1)
    unanswerable = max(len(results) - sum(o.answerable for o in results), 1)
    right = len(can_answer) - np.searchsorted(can_answer, candidates, side="left")
    flagged = always_flagged + np.searchsorted(can_flag, candidates, side="left")
    accuracy = np.round(right / answerable + flagged / unanswerable, 9)
    best = candidates[accuracy == accuracy.max()]
    return float(best[len(best) // 2])


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


FEW_ANSWERED = 0.5  # a best threshold answering fewer than this share of answerable questions is no good
SEPARATION = 0.75  # below this chance that an answered question outscores an unanswerable one: overlap


def separation(results: list[Outcome]) -> float | None:
    """The chance that an answerable question answered with the expected passage outscores an unanswerable
    one that only a threshold can flag (the area under the ROC curve); None when either side is empty."""
    right = np.array([o.top_score for o in results if o.answerable and o.top_correct and o.figure_stated])
    wrong = np.array([o.top_score for o in results if not o.answerable and o.figure_stated])
    if not len(right) or not len(wrong):
        return None
    above = (right[:, None] > wrong[None, :]).sum() + 0.5 * (right[:, None] == wrong[None, :]).sum()
    return float(above / (len(right) * len(wrong)))


def warnings(results: list[Outcome], best: float) -> list[dict[str, str]]:
    """What makes the best threshold a poor guide, each with what the user can do instead."""
    found: list[dict[str, str]] = []
    right, answerable, _, _ = tally(results, best)
    first = sum(o.top_correct for o in results if o.answerable)
    if answerable and right < FEW_ANSWERED * answerable:
        found.append(
            {
                "kind": "few answered",
                "message": f"At its best threshold citebot answers only {right} of the {answerable} answerable "
                f"questions right (the expected passage comes first for {first}). Instead: show several passages "
                "(-k 3) and let readers judge them, take a lower CITEBOT_MIN_SCORE to answer more at the cost of "
                "flagging fewer, and check that each expect text is what the passage says.",
            }
        )
    overlap = separation(results)
    if overlap is not None and overlap < SEPARATION:
        found.append(
            {
                "kind": "overlap",
                "message": f"Answerable and unanswerable questions score alike (an answered one outscores an "
                f"unanswerable one {overlap:.0%} of the time): no threshold separates them. Instead: treat "
                '"answered" as a hint, not a verdict (show the passages with their scores); try another '
                "--mode; or add the missing topics to the documents, since a near miss scores like an answer.",
            }
        )
    return found
