"""What answering a question needs to know, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.index.database import DatabaseConfig
from bot.retrieval.mode import Mode


@dataclass(frozen=True)
class RetrievalConfig:
    """Which index to open with which encoder, how to rank, how many hits, how sure to be."""

    corpus_dir: Path  # to tell whether the index is stale
    index_dir: Path
    model: str
    mode: Mode = Mode.HYBRID
    top_k: int = 3
    min_score: float = 0.37  # calibrated on tests/data/article_questions.json, see README
    max_hits_per_doc: int = 3
    hybrid_weight: float = 0.25  # weight of normalized BM25 beside the similarity; tuned on SciFact train
    encoder: str = "auto"  # auto | onnx | sentence-transformers (query-time encoder)
    follow_links: bool = False  # links to files outside the corpus count as documents (freshness)
    database: DatabaseConfig | None = None  # set: the index lives in Postgres, not in index_dir
    # The published address of a source file, "{path}" its path without extension (bot.retrieval.citation);
    # applied when answering, so changing it needs no new index.
    source_url: str | None = None
    include: tuple[str, ...] = ()  # the corpus files indexed (bot.corpus.selection), to tell whether it is stale
    exclude: tuple[str, ...] = ()
