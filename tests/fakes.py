"""A tiny deterministic encoder for tests where the model is not the point (the reliability suite)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from bot.encoders.base import Progress

_PIECE = re.compile(r"\w+|[^\w\s]")


class HashEncoder:
    """Each word piece (a word or a punctuation mark) hashed to a coordinate; vectors L2-normalized."""

    name = "hash-encoder"
    dimension = 32
    max_tokens = 256

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for piece in _PIECE.findall(text.lower()):
                vectors[row, hashlib.blake2b(piece.encode(), digest_size=2).digest()[0] % self.dimension] += 1
            vectors[row, 0] += 1e-3  # never the zero vector
            if progress is not None:
                progress(1)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return [match.span() for match in _PIECE.finditer(text)]
