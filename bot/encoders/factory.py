"""Choosing an encoder backend: the ONNX export when it loads, else sentence-transformers.

Heavy imports (torch, sentence-transformers, onnxruntime) stay inside the function, so `--help`
and `info` start instantly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.encoders.base import Encoder


def load_encoder(model: str, export: Path | None, notify: Callable[[str], None] | None = None) -> Encoder:
    """The ONNX export in `export` (same vectors, faster, no torch) when it loads; else the model
    through sentence-transformers, saying why through `notify`."""
    if export is not None:
        try:
            from bot.encoders.onnx import OnnxEncoder

            return OnnxEncoder(export)
        except Exception as exc:  # a broken export costs speed, not answers
            if notify is not None:
                notify(f"note: the fast encoder is unusable ({exc}); loading sentence-transformers.")
    from bot.encoders.sentence_transformer import SentenceTransformerEncoder

    return SentenceTransformerEncoder(model)
