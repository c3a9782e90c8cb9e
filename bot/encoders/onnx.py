"""Query-time encoder: ONNX Runtime + tokenizers, no torch, no sentence-transformers.

`bot.encoders.onnx_export.export_onnx` writes a folder with `model.onnx` (transformer, pooling and
L2 normalization in one graph) and its weights `model.onnx.data`, the model's `tokenizer.json`
and `onnx_encoder.json` (its settings).
`OnnxEncoder` loads that folder in a fraction of a second and encodes like
`SentenceTransformer.encode(normalize_embeddings=True)` does: truncation at the model's
`max_seq_length` (not the 128 baked into the bundled tokenizer.json), padding to the longest
text of each batch, batches formed of texts of similar length.

Importing this module is cheap: onnxruntime and tokenizers are imported on first load.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.encoders.base import Progress
from bot.errors import ModelError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

SETTINGS_FILE = "onnx_encoder.json"  # written last by the exporter: its presence marks a complete export
FORMAT_VERSION = 1
_CHUNK = 4096  # texts tokenized (and sorted by length) at a time, bounding memory on huge corpora


def has_onnx_export(folder: Path) -> bool:
    """Whether `folder` holds a complete export (cheap: only looks for the settings file)."""
    return (Path(folder) / SETTINGS_FILE).is_file()


def read_settings(folder: Path) -> dict[str, Any]:
    """Read and check the export's settings, raising ModelError when missing or foreign."""
    path = Path(folder) / SETTINGS_FILE
    try:
        settings: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"No usable ONNX encoder in {folder} ({exc}).") from None
    if settings.get("format") != FORMAT_VERSION:
        found = settings.get("format")
        raise ModelError(f"The ONNX encoder in {folder} has format {found}, expected {FORMAT_VERSION}.")
    return settings


def default_threads() -> int:
    """CPU cores this process may use (the intra-op thread count ONNX Runtime runs best with)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """The `Encoder` protocol over an exported ONNX model (see module docstring)."""

    def __init__(
        self, folder: Path | str, *, threads: int | None = None, settings: dict[str, Any] | None = None
    ) -> None:
        """Load the export in `folder`; `threads` defaults to the usable CPU cores.

        `settings` replaces reading the folder's settings file (the exporter checks a model before writing it).
        """
        folder = Path(folder)
        self.folder = folder
        self.settings = read_settings(folder) if settings is None else settings
        self.name: str = self.settings["name"]
        self.dimension: int = int(self.settings["dimension"])
        self.max_tokens: int = int(self.settings["max_seq_length"])
        self.quantized: bool = bool(self.settings.get("quantized", False))
        self._lowercase = bool(self.settings.get("do_lower_case", False))
        self._pad_id = int(self.settings.get("pad_id", 0))
        self._output = str(self.settings.get("output", "sentence_embedding"))
        try:
            self._tokenizer = _load_tokenizer(folder / self.settings["tokenizer_file"])
            self._session = _load_session(folder / self.settings["model_file"], threads or default_threads())
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"Cannot load the ONNX encoder in {folder}: {exc}") from None
        self._content_limit = self.max_tokens - self._tokenizer.num_special_tokens_to_add(False)

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        """Return L2-normalized float32 vectors of shape (len(texts), dimension), in input order."""
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            ids = self.token_ids(texts[start : start + _CHUNK])
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]), reverse=True)
            for first in range(0, len(order), batch_size):
                rows = order[first : first + batch_size]
                input_ids, mask = self.pad([ids[i] for i in rows])
                out[[start + i for i in rows]] = self.run(input_ids, mask)
                if progress is not None:
                    progress(len(rows))
        return out

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of `text`, without special tokens or truncation."""
        return [(start, end) for start, end in self._tokenizer.encode(text, add_special_tokens=False).offsets]

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with special tokens, the content truncated so that each fits `max_tokens`."""
        if self._lowercase:
            texts = [text.lower() for text in texts]
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for encoding in encodings:
            encoding.truncate(self._content_limit)
        return [self._tokenizer.post_process(encoding).ids for encoding in encodings]

    def pad(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Pad to the longest row: (input_ids, attention_mask), both int64."""
        input_ids = np.full((len(rows), max(len(row) for row in rows)), self._pad_id, dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for i, row in enumerate(rows):
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return input_ids, mask

    def run(self, input_ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Vectors of one padded batch, as the graph returns them (pooled and L2-normalized)."""
        (vectors,) = self._session.run([self._output], {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


def _load_tokenizer(path: Path) -> Tokenizer:
    """The model's tokenizer with its bundled truncation and fixed padding switched off (we do both)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def _load_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session tuned for a few cores and a quick start."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
