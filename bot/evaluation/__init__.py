"""Offline evaluation: IR metrics and a BEIR dataset loader (not used at query time)."""

from __future__ import annotations

from bot.evaluation.metrics import Qrels, Run, evaluate, evaluate_per_query

__all__ = ["Qrels", "Run", "evaluate", "evaluate_per_query"]
