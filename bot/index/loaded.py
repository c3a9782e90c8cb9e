"""A build opened for answering: every file loaded and checked against the manifest and each other.

Whatever is wrong with a file (truncated, garbage, an unparsable header, a count that disagrees)
becomes one IndexCorrupt naming it, never a parser's traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import CitebotError, IndexCorrupt, Remedy
from bot.index.lexical import LexicalIndex
from bot.index.store import FAISS, LEXICAL, Manifest, PassageTable, read_passages
from bot.index.vectors import Vectors


@dataclass(frozen=True)
class LoadedBuild:
    passages: PassageTable
    vectors: Vectors  # memory-mapped: answering keeps working if the build is deleted later
    index: Any  # faiss.Index
    lexical: LexicalIndex


def load_build(build: Path, manifest: Manifest) -> LoadedBuild:
    """Load passages, vectors, the FAISS and the BM25 index of `build`; IndexCorrupt if any is unusable."""
    import faiss

    passages = read_passages(build, manifest.passages)
    vectors = _load(build, "vectors", lambda: Vectors.load(build, mmap=True))
    index = _load(build, FAISS, lambda: faiss.read_index(str(build / FAISS)))
    lexical = _load(build, "BM25 index", lambda: LexicalIndex.load(build / LEXICAL))
    problem = _inconsistency(manifest, vectors, index, lexical)
    if problem:
        raise IndexCorrupt(f"The index in {build} is damaged ({problem})", Remedy.REBUILD)
    return LoadedBuild(passages, vectors, index, lexical)


def _load(build: Path, what: str, load: Any) -> Any:
    try:
        return load()
    except CitebotError as exc:
        raise IndexCorrupt(f"The {what} of the index in {build} is unusable ({exc})", Remedy.REBUILD) from None
    except Exception as exc:  # numpy, faiss and zipfile raise many kinds on garbage; all mean the same here
        raise IndexCorrupt(
            f"The {what} of the index in {build} is unreadable ({type(exc).__name__})", Remedy.REBUILD
        ) from None


def _inconsistency(manifest: Manifest, vectors: Vectors, index: Any, lexical: LexicalIndex) -> str | None:
    """What disagrees between the files of a build, or None."""
    n, d = manifest.passages, manifest.dimension
    arrays = {
        "passage vectors": (vectors.passages, np.float32, (n, d)),
        "sentence offsets": (vectors.offsets, np.int64, (n + 1,)),
        "sentence spans": (vectors.spans, np.int32, (None, 2)),
        "sentence vectors": (vectors.sentences, np.float32, (None, d)),
    }
    for name, (array, dtype, shape) in arrays.items():
        if array.dtype != dtype or array.ndim != len(shape):
            return f"the {name} have the wrong type or shape"
        if any(want is not None and have != want for have, want in zip(array.shape, shape, strict=True)):
            return f"the {name} have shape {array.shape}, expected {tuple(s or '*' for s in shape)}"
    offsets = np.asarray(vectors.offsets)
    if offsets[0] != 0 or offsets[-1] != len(vectors.sentences) or len(vectors.spans) != len(vectors.sentences):
        return "the sentence offsets do not match the sentences"
    if n and np.any(np.diff(offsets) < 1):
        return "a passage has no sentence"
    if index.ntotal != n or index.d != d:
        return f"the FAISS index holds {index.ntotal} vectors of {index.d} dimensions, expected {n} of {d}"
    if len(lexical) != n:
        return f"the BM25 index holds {len(lexical)} passages, expected {n}"
    return None
