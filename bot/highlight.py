"""The best sentence: which sentence of a passage answers the question best."""

from __future__ import annotations

import numpy as np

from bot.encoder import Encoder
from bot.models import Passage
from bot.splitter import sentence_spans


def best_sentences(encoder: Encoder, query: np.ndarray, passages: list[Passage]) -> list[str]:
    """For each passage, its sentence closest to the question (all sentences encoded in one batch)."""
    sentences = [
        [passage.text[start:end] for start, end in sentence_spans(passage.text, 0, len(passage.text))]
        for passage in passages
    ]
    multi = [s for group in sentences if len(group) > 1 for s in group]
    scores = iter(encoder.encode(multi) @ query if multi else [])
    result = []
    for group in sentences:
        if len(group) <= 1:
            result.append(group[0] if group else "")
            continue
        group_scores = [next(scores) for _ in group]
        result.append(group[int(np.argmax(group_scores))])
    return result
