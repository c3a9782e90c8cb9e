"""Passage and sentence vectors: each distinct text encoded once, rows that slice and join back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.encoders.base import Progress
from bot.encoders.sentence_transformer import SentenceTransformerEncoder
from bot.index.embedding import embed_passages
from bot.index.vectors import Vectors
from bot.records import Passage


class Counting:
    """The real encoder, recording what it is asked to encode."""

    def __init__(self, encoder: SentenceTransformerEncoder) -> None:
        self.inner = encoder
        self.dimension, self.max_tokens, self.name = encoder.dimension, encoder.max_tokens, encoder.name
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts, batch_size, progress)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return self.inner.token_spans(text)


def passage(number: int, text: str) -> Passage:
    return Passage(f"d#{number}", "d", 1, 0, len(text), text)


def test_shared_sentences_are_encoded_once(encoder: SentenceTransformerEncoder) -> None:
    counting = Counting(encoder)
    passages = [
        passage(1, "Alpha is first. Beta is second."),
        passage(2, "Beta is second. Gamma is third."),
        passage(3, "Lone sentence."),
    ]
    vectors = embed_passages(counting, passages)
    assert sorted(counting.seen) == sorted(
        [p.text for p in passages] + ["Alpha is first.", "Beta is second.", "Gamma is third."]
    )
    assert vectors.offsets.tolist() == [0, 2, 4, 5]
    assert vectors.spans.tolist() == [[0, 15], [16, 31], [0, 15], [16, 31], [0, 14]]
    np.testing.assert_allclose(vectors.sentences[1], vectors.sentences[2], atol=1e-6)  # "Beta is second."
    np.testing.assert_allclose(vectors.sentences[4], vectors.passages[2], atol=1e-6)  # the lone sentence


def test_slice_concat_and_save_round_trip(encoder: SentenceTransformerEncoder, tmp_path: Path) -> None:
    passages = [passage(n, f"Sentence {n}. Another {n}. Third {n}.") for n in range(4)]
    vectors = embed_passages(encoder, passages)
    joined = Vectors.concat([vectors.slice(0, 1), vectors.slice(1, 4)], encoder.dimension)
    vectors.save(tmp_path)
    loaded = Vectors.load(tmp_path, mmap=True)
    for other in (joined, loaded):
        for mine, theirs in zip(
            (vectors.passages, vectors.offsets, vectors.spans, vectors.sentences),
            (other.passages, other.offsets, other.spans, other.sentences),
            strict=True,
        ):
            np.testing.assert_array_equal(mine, theirs)
    assert len(Vectors.concat([], 384)) == 0
