"""What building the index needs to know, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.index.database import DatabaseConfig


@dataclass(frozen=True)
class IndexConfig:
    """Where the corpus and the index are, which model embeds, how passages are cut."""

    corpus_dir: Path
    index_dir: Path
    model: str
    passage_tokens: int = 128  # target passage size in word pieces
    overlap_sentences: int = 1
    quantize: bool = True  # embed with the int8 ONNX export (README "Performance")
    database: DatabaseConfig | None = None  # set: the index lives in Postgres, not in index_dir
