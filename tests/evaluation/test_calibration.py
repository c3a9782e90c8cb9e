"""Choosing the confidence threshold from a question set, on hand-checked cases."""

from __future__ import annotations

from bot.evaluation.questions import (
    Outcome,
    best_threshold,
    handled_right,
    leave_one_out,
    separation,
    tally,
    warnings,
)


def outcome(score: float, answerable: bool, correct: bool = True, figure_stated: bool = True) -> Outcome:
    return Outcome("q", answerable, score, correct and answerable, figure_stated, "answerable" if answerable else "x")


def test_handled_right_needs_score_and_figure() -> None:
    assert handled_right(outcome(0.5, True), 0.4)
    assert not handled_right(outcome(0.3, True), 0.4)
    assert not handled_right(outcome(0.5, True, correct=False), 0.4)
    assert not handled_right(outcome(0.5, True, figure_stated=False), 0.4)
    assert handled_right(outcome(0.5, False, figure_stated=False), 0.4)  # flagged for lacking the figure
    assert not handled_right(outcome(0.5, False), 0.4)


def test_best_threshold_is_the_midpoint_of_the_gap() -> None:
    results = [outcome(0.6, True), outcome(0.5, True), outcome(0.3, False), outcome(0.1, False)]
    assert best_threshold(results) == 0.4
    assert tally(results, 0.4) == (2, 2, 2, 2)


def test_leave_one_out_counts_a_question_only_the_others_threshold_gets_right() -> None:
    # Answerable 0.6, 0.5, 0.35; unanswerable 0.4, 0.1. With all five, the best split is 0.45
    # (0.35 answerable lost) or 0.3 (0.4 unanswerable let through); leaving one out changes which.
    results = [outcome(0.6, True), outcome(0.5, True), outcome(0.35, True), outcome(0.4, False), outcome(0.1, False)]
    right, answerable, flagged, unanswerable = leave_one_out(results)
    assert (answerable, unanswerable) == (3, 2)
    # Without 0.35, the others split best at 0.45, so 0.35 is not answered; without 0.4 the best is
    # 0.225 and 0.4 is not flagged: both borderline questions are lost, the clear ones kept.
    assert (right, flagged) == (2, 1)


def test_best_threshold_may_lie_outside_all_scores() -> None:
    # The unanswerable question is flagged whatever the threshold (its passage lacks the figure asked
    # for), so the best threshold answers both answerable ones: below the lowest score.
    results = [outcome(0.3, True), outcome(0.4, False, figure_stated=False), outcome(0.5, True)]
    assert best_threshold(results) < 0.3 and tally(results, best_threshold(results)) == (2, 2, 1, 1)


def test_no_warning_when_a_threshold_separates_the_sides() -> None:
    results = [outcome(0.6, True), outcome(0.5, True), outcome(0.3, False), outcome(0.1, False)]
    assert separation(results) == 1.0 and warnings(results, best_threshold(results)) == []


def test_warns_when_the_sides_overlap_and_when_few_are_answered() -> None:
    mixed = [outcome(s, True) for s in (0.5, 0.4, 0.3)] + [outcome(s, False) for s in (0.55, 0.45, 0.35)]
    found = {w["kind"]: w["message"] for w in warnings(mixed, best_threshold(mixed))}
    assert "overlap" in found and "no threshold separates them" in found["overlap"] and "Instead" in found["overlap"]
    wrong = [outcome(0.6, True, correct=False) for _ in range(3)] + [outcome(0.7, True), outcome(0.1, False)]
    found = {w["kind"]: w["message"] for w in warnings(wrong, best_threshold(wrong))}
    assert "only 1 of the 4 answerable" in found["few answered"] and "Instead" in found["few answered"]
