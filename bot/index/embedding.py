"""Embedding passages and their sentences: each distinct text encoded once, in one batched pass."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.corpus.splitting import sentence_spans
from bot.encoders.base import Encoder, ProgressFactory
from bot.index.vectors import Vectors
from bot.records import Passage


def embed_passages(
    encoder: Encoder,
    passages: Sequence[Passage],
    progress: ProgressFactory | None = None,
    contexts: Sequence[str] | None = None,
) -> Vectors:
    """Encode every passage and each of its sentences in one batched pass, each distinct text once.

    A passage's context (its heading path, a table's header row; bot.corpus.sections.Cut) is embedded
    on a line before the passage's own text; its sentences are embedded alone.
    """
    spans = [sentence_spans(p.text, 0, len(p.text)) or [(0, len(p.text))] for p in passages]
    texts = [
        f"{context}\n{p.text}" if context else p.text
        for p, context in zip(passages, contexts or [""] * len(passages), strict=True)
    ]
    # Each distinct text is encoded once: overlapping passages repeat sentences, and a lone
    # sentence is its passage's own text.
    row_of = {text: row for row, text in enumerate(texts)}
    rows: list[int] = []  # each sentence's row in `texts`
    for passage, passage_spans in zip(passages, spans, strict=True):
        for start, end in passage_spans:
            sentence = passage.text[start:end]
            if sentence not in row_of:
                row_of[sentence] = len(texts)
                texts.append(sentence)
            rows.append(row_of[sentence])
    step = progress(len(texts), "Embedding passages and sentences") if progress and texts else None
    encoded = encoder.encode(texts, progress=step) if texts else np.empty((0, encoder.dimension), np.float32)
    offsets = np.concatenate([np.zeros(1, np.int64), np.cumsum([len(s) for s in spans], dtype=np.int64)])
    flat_spans = np.array([span for passage_spans in spans for span in passage_spans], dtype=np.int32).reshape(-1, 2)
    return Vectors(encoded[: len(passages)], offsets, flat_spans, encoded[np.array(rows, dtype=np.int64)])
