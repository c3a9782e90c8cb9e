"""The index on disk: a manifest that describes it, passages, vectors, FAISS and BM25 files.

Layout: `index/CURRENT` names the live build folder (`index/build-*`). A build is written
into a fresh folder and published by atomically replacing `CURRENT`, so a crash or Ctrl-C
mid-build leaves the previous index intact and loadable.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import overload

import numpy as np

from bot.errors import IndexCorrupt, IndexMismatch, IndexMissing, Remedy
from bot.records import DocumentInfo, Passage

FORMAT_VERSION = 1
POINTER = "CURRENT"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
FAISS = "faiss.index"
LEXICAL = "bm25"
ENCODER = "onnx"


@dataclass(frozen=True)
class DocumentEntry:
    """A document as the manifest records it: citation fields, fingerprint, its rows of passages."""

    info: DocumentInfo
    content_hash: str
    size: int
    mtime_ns: int
    first: int  # passages[first:last] belong to this document
    last: int


OUTDATED_CUT = "the index was cut into passages by an older version of citebot"


def outdated_cut(manifest: Manifest, rules: int) -> bool:
    """Whether the passages were cut by other rules than `rules` (the splitter's version, CUT_RULES)."""
    return bool(manifest.splitter.get("rules", 1) != rules)


@dataclass(frozen=True)
class Manifest:
    format_version: int
    model: str
    dimension: int
    splitter: dict[str, int]
    built_at: str
    corpus_dir: str
    documents: tuple[DocumentEntry, ...]
    passages: int
    ann: str
    encoder_export: str | None  # folder of the exported query encoder, if any
    quantized: bool = False  # the vectors come from the int8 export (else from fp32 weights)
    files: dict[str, int] = field(default_factory=dict)  # file name -> size in bytes, to catch truncation
    skipped: dict[str, list[int]] = field(default_factory=dict)  # corpus file skipped -> [size, mtime_ns]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        documents = tuple(
            DocumentEntry(**{**entry, "info": DocumentInfo(**entry["info"])}) for entry in raw.pop("documents")
        )
        return cls(**raw, documents=documents)


def current_build(index_dir: Path) -> Path:
    """The folder of the live build, or IndexMissing."""
    pointer = index_dir / POINTER
    if not pointer.is_file():
        raise IndexMissing(f"There is no index in {index_dir}", Remedy.BUILD)
    build = index_dir / pointer.read_text(encoding="utf-8").strip()
    if not build.is_dir():
        raise IndexCorrupt(f"The index in {index_dir} points at a missing build", Remedy.REBUILD)
    return build


def read_manifest(build: Path) -> Manifest:
    """Read and check the manifest: format version and file sizes."""
    try:
        raw = (build / MANIFEST).read_text(encoding="utf-8")
        format_version = json.loads(raw).get("format_version")
    except (OSError, ValueError, AttributeError):
        raise IndexCorrupt(f"The index manifest in {build} is missing or unreadable", Remedy.REBUILD) from None
    if format_version != FORMAT_VERSION:
        raise IndexCorrupt(
            f"The index in {build} has format version {format_version}, this citebot reads {FORMAT_VERSION}",
            Remedy.REBUILD,
        )
    try:
        manifest = Manifest.from_json(raw)
    except (TypeError, KeyError, ValueError):
        raise IndexCorrupt(f"The index manifest in {build} is malformed", Remedy.REBUILD) from None
    for name, size in manifest.files.items():
        path = build / name
        if not path.is_file() or path.stat().st_size != size:
            raise IndexCorrupt(f"The index file {path} is missing or truncated", Remedy.REBUILD)
    return manifest


def check_model(manifest: Manifest, model: str, dimension: int | None = None) -> None:
    """Refuse an index built with another model or dimension than the one configured."""
    if manifest.model != model:
        raise IndexMismatch(
            f"The index was built with model {manifest.model!r} but {model!r} is configured",
            Remedy.REBUILD,
            f" with {model!r}, or set CITEBOT_MODEL={manifest.model}",
        )
    if dimension is not None and dimension != manifest.dimension:
        raise IndexMismatch(
            f"The index holds {manifest.dimension}-dimensional vectors but the model makes {dimension}",
            Remedy.REBUILD,
        )


class PassageTable(Sequence[Passage]):
    """The passages of a build, each parsed from its line of passages.jsonl on first use.

    An answer reads a few dozen of what may be hundreds of thousands of rows: finding the
    line ends takes milliseconds where parsing every line took a tenth of a second.
    """

    def __init__(self, path: Path, data: bytes) -> None:
        self._path = path
        self._data = data
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        self._starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        self._ends = ends
        self._parsed: dict[int, Passage] = {}

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        passage = self._parsed.get(row)
        if passage is None:
            if not 0 <= row < len(self):
                raise IndexError(row)
            try:
                passage = Passage.from_json(json.loads(self._data[self._starts[row] : self._ends[row]]))
            except (ValueError, TypeError, AttributeError):
                raise IndexCorrupt(f"Line {row + 1} of {self._path} is not a passage", Remedy.REBUILD) from None
            self._parsed[row] = passage
        return passage


def read_passages(build: Path, expected: int) -> PassageTable:
    """The build's passages (parsed lazily); IndexCorrupt unless there are `expected` of them."""
    path = build / PASSAGES
    try:
        table = PassageTable(path, path.read_bytes())
    except OSError:
        raise IndexCorrupt(f"The passages of the index in {build} are unreadable", Remedy.REBUILD) from None
    if len(table) != expected:
        raise IndexCorrupt(f"The index in {build} lists {expected} passages but holds {len(table)}", Remedy.REBUILD)
    return table


def write_passages(build: Path, passages: list[Passage]) -> None:
    with (build / PASSAGES).open("w", encoding="utf-8") as out:
        for passage in passages:
            out.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")


def new_build_folder(index_dir: Path) -> Path:
    """A fresh, empty folder inside `index_dir` to write a build into."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="build-", dir=index_dir))


def file_sizes(build: Path) -> dict[str, int]:
    """Sizes of every file in a build (recursively), for the manifest's truncation check."""
    return {
        path.relative_to(build).as_posix(): path.stat().st_size
        for path in sorted(build.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


def publish(index_dir: Path, build: Path, manifest: Manifest) -> None:
    """Write the manifest last, then atomically point CURRENT at the build and remove older builds."""
    (build / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    _fsync_tree(build)
    pointer_tmp = index_dir / f".{POINTER}.tmp"
    pointer_tmp.write_text(build.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, index_dir / POINTER)
    remove_stale_builds(index_dir, keep=build)


def remove_stale_builds(index_dir: Path, keep: Path | None) -> None:
    """Delete build folders that CURRENT does not name (left by older or interrupted builds)."""
    for folder in index_dir.glob("build-*"):
        if folder.is_dir() and folder != keep:
            shutil.rmtree(folder, ignore_errors=True)


def _fsync_tree(build: Path) -> None:
    for path in build.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
