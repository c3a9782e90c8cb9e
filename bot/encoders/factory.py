"""Choosing an encoder backend: the ONNX export when it loads, else sentence-transformers.

Heavy imports (torch, sentence-transformers, onnxruntime) stay inside the function, so `--help`
and `info` start instantly.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.encoders.base import Encoder

log = logging.getLogger(__name__)


def load_encoder(model: str, export: Path | None) -> Encoder:
    """The ONNX export in `export` (same vectors, faster, no torch) when it loads; else the model
    through sentence-transformers, logging why."""
    if export is not None:
        try:
            from bot.encoders.onnx import OnnxEncoder

            return OnnxEncoder(export)
        except Exception as exc:  # a broken export costs speed, not answers
            log.info("the fast encoder is unusable (%s); loading sentence-transformers.", exc)
    from bot.encoders.sentence_transformer import SentenceTransformerEncoder

    return SentenceTransformerEncoder(model)
