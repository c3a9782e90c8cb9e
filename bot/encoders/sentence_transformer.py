"""The sentence-transformers encoder: the reference implementation, used to build the index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.encoders.base import Progress, offline, resolve_model_path
from bot.errors import ModelError


class SentenceTransformerEncoder:
    """Wraps a SentenceTransformer; loading it imports torch (seconds), so it is built lazily."""

    def __init__(self, model: str) -> None:
        offline()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # our own progress bar is the one users see
            hf_logging.set_verbosity_error()  # token_spans measures long texts on purpose: no length warning

            loaded: Any = SentenceTransformer(resolve_model_path(model), device="cpu")
        except (OSError, ValueError) as exc:
            raise ModelError(f"Cannot load the embedding model {model!r}: {exc}") from None
        self._model = loaded
        self.name = model
        self.dimension = int(loaded.get_embedding_dimension())
        self.max_tokens = int(loaded.max_seq_length)

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        """Encode in batches, reporting progress after each one."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        # Sorting by length keeps padding small; results go back to their original rows.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            rows = order[begin : begin + batch_size]
            out[rows] = self._model.encode(
                [texts[i] for i in rows], batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
            )
            if progress is not None:
                progress(len(rows))
        return out

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Word-piece character spans from the model's own (fast) tokenizer."""
        encoded = self._model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        return [tuple(span) for span in encoded["offset_mapping"]]
