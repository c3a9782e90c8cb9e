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
    build_wait_seconds: float = 600.0  # how long a build waits for another build of the same index
    max_document_mb: float = 10.0  # larger documents are skipped with a warning (0: no limit)
    follow_links: bool = False  # index links to files outside the corpus folder
    database: DatabaseConfig | None = None  # set: the index lives in Postgres, not in index_dir
    section_tokens: int = 256  # target passage size for documents with sections
    sections: bool = True  # cut documents with sections by section (False: by paragraphs, the plain baseline)
    include: tuple[str, ...] = ()  # gitignore-style patterns of the files to index (bot.corpus.selection)
    exclude: tuple[str, ...] = ()  # added to the default exclusions
    heading_context: bool = True  # embed each passage after its heading path (README "Passage size")
