"""The index on disk: a manifest that describes it, passages, vectors, FAISS and BM25 files.

Layout: `index/CURRENT` names the live build folder (`index/build-*`). A build is written
into a fresh folder and published by atomically replacing `CURRENT`, so a crash or Ctrl-C
mid-build leaves the previous index intact and loadable.

citebot deletes only what it can prove it made: the index folder carries `.citebot-index`
(written when citebot creates or adopts the folder), and each build folder a `.citebot-build`
marker written before anything else. A folder without its marker is never touched. The
manifest records each file's size, modification time and blake2b checksum.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import overload

import numpy as np

from bot.corpus.freshness import Fingerprint
from bot.errors import IndexCorrupt, IndexFolderError, IndexMismatch, IndexMissing, Remedy
from bot.index.locks import BUILD_LOCK, BUILD_MARKER, unused
from bot.printable import printable
from bot.records import DocumentInfo, Passage

FORMAT_VERSION = 2  # 2: checksums and modification times of every file
INDEX_MARKER = ".citebot-index"
POINTER = "CURRENT"
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
FAISS = "faiss.index"
LEXICAL = "bm25"
ENCODER = "onnx"
_BUILD_NAME = re.compile(r"build-[A-Za-z0-9_]+")
_CHUNK = 1 << 20


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
    checksums: dict[str, str] = field(default_factory=dict)  # file name -> blake2b, to catch damage
    mtimes: dict[str, int] = field(default_factory=dict)  # file name -> mtime_ns: unchanged files skip the hash
    skipped: dict[str, list[int]] = field(default_factory=dict)  # corpus file skipped -> [size, mtime_ns]

    def fingerprints(self) -> dict[str, Fingerprint]:
        """How each indexed document looked when it was indexed, for bot.corpus.freshness."""
        return {entry.info.id: Fingerprint(entry.size, entry.mtime_ns, entry.content_hash) for entry in self.documents}

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
    try:
        raw = (index_dir / POINTER).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        raise IndexMissing(f"There is no index in {index_dir}", Remedy.BUILD) from None
    except PermissionError:
        raise IndexFolderError(
            f"citebot cannot read the index in {index_dir} (permission denied); "
            "run it as the folder's owner or choose another folder with --index."
        ) from None
    except OSError as exc:
        raise IndexCorrupt(f"The index in {index_dir} is unreadable ({exc.strerror or exc})", Remedy.REBUILD) from None
    name = raw.decode("utf-8", errors="replace").strip()
    if not _BUILD_NAME.fullmatch(name):
        raise IndexCorrupt(f"The index in {index_dir} is damaged: its {POINTER} file names no build", Remedy.REBUILD)
    build = index_dir / name
    if not build.is_dir():
        raise IndexCorrupt(f"The index in {index_dir} points at a missing build", Remedy.REBUILD)
    return build


def read_manifest(build: Path, verify: str = "quick") -> Manifest:
    """Read and check the manifest: format version, then every file against it (see `verify_files`)."""
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
    verify_files(build, manifest, full=verify == "full")
    return manifest


def verify_files(build: Path, manifest: Manifest, full: bool) -> None:
    """IndexCorrupt unless every file of the build has its recorded size and checksum.

    `full` hashes every file (about 0.5 s per 300 MB); otherwise only files whose modification
    time changed are hashed, which keeps a cold `ask` fast and still catches any rewrite.
    """
    if set(manifest.checksums) != set(manifest.files):
        raise IndexCorrupt(f"The index manifest in {build} is malformed", Remedy.REBUILD)
    for name, size in manifest.files.items():
        path = build / name
        try:
            stat = path.stat()
        except OSError:
            stat = None
        if stat is None or not path.is_file() or stat.st_size != size:
            raise IndexCorrupt(f"The index file {path} is missing or truncated", Remedy.REBUILD)
        if (full or stat.st_mtime_ns != manifest.mtimes.get(name)) and file_digest(path) != manifest.checksums[name]:
            raise IndexCorrupt(
                f"The index file {path} does not match its checksum (damaged or changed since the build)",
                Remedy.REBUILD,
            )


def file_digest(path: Path) -> str:
    """blake2b (128 bits) of a file's bytes, or "" if it cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


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


class LazyPassages(Sequence[Passage]):
    """Row -> Passage, read on demand: a subclass reads one row in range (`_read`) and may fetch the rows of
    a slice at once (`_prefetch`)."""

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            rows = range(*row.indices(len(self)))
            self._prefetch(rows)
            return [self._read(r) for r in rows]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._read(row)

    def _prefetch(self, rows: range) -> None:
        """Fetch these rows together, where that is cheaper than one by one."""

    def _read(self, row: int) -> Passage:
        raise NotImplementedError


class PassageTable(LazyPassages):
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

    def _read(self, row: int) -> Passage:
        passage = self._parsed.get(row)
        if passage is None:
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


def claim_index_folder(index_dir: Path) -> None:
    """Make sure `index_dir` is citebot's to write in: create it with its marker, or accept it when it has
    the marker, is empty, or holds an index of an older citebot; refuse a folder holding anything else."""
    try:
        if (index_dir / INDEX_MARKER).is_file():
            return
        if index_dir.exists() and not index_dir.is_dir():
            raise IndexFolderError(f"The index folder {index_dir} is a file; choose a folder with --index.")
        index_dir.mkdir(parents=True, exist_ok=True)
        others = sorted(name for name in os.listdir(index_dir) if name not in (BUILD_LOCK, f".{POINTER}.tmp"))
        older = _older_builds(index_dir)
        if others and not older:
            raise IndexFolderError(
                f"{index_dir} is not an index folder: it already holds other files ({printable(others[0])}"
                f"{', ...' if len(others) > 1 else ''}), and citebot writes only in folders it made; "
                "give an empty or new folder with --index (or CITEBOT_INDEX_DIR)."
            )
        for build in older:  # adopt an index written before builds carried a marker
            _write_marker(build / BUILD_MARKER, "A build of a citebot index (adopted).\n")
        _write_marker(index_dir / INDEX_MARKER, "A citebot index: citebot creates and deletes build-* folders here.\n")
    except PermissionError:
        raise IndexFolderError(
            f"citebot cannot write in the index folder {index_dir} (permission denied); "
            "run it as the folder's owner or choose another folder with --index."
        ) from None


def _older_builds(index_dir: Path) -> list[Path]:
    """The builds of an older citebot's index in `index_dir` (CURRENT names one), else []."""
    try:
        current = current_build(index_dir)
    except (IndexMissing, IndexCorrupt, IndexFolderError):
        return []
    if not (current / MANIFEST).is_file():
        return []
    return [folder for folder in _build_folders(index_dir) if _is_manifest(folder / MANIFEST)]


def _is_manifest(path: Path) -> bool:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and {"format_version", "model", "passages"} <= raw.keys()


def _write_marker(path: Path, text: str) -> None:
    if not path.is_file():
        path.write_text(text, encoding="utf-8")


def new_build_folder(index_dir: Path) -> Path:
    """A fresh folder inside `index_dir` (claimed with `claim_index_folder`) holding only its marker."""
    build = Path(tempfile.mkdtemp(prefix="build-", dir=index_dir))
    umask = os.umask(0)
    os.umask(umask)
    build.chmod(0o777 & ~umask)  # as mkdir would: mkdtemp's 0700 hid the index from a bot run by another user
    fd = os.open(build / BUILD_MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as marker:
        marker.write("A build of a citebot index: citebot may delete this folder once it is not in use.\n")
    return build


def file_records(build: Path) -> tuple[dict[str, int], dict[str, str], dict[str, int]]:
    """Size, checksum and mtime of every file of a build (recursively), for the manifest."""
    paths = {
        path.relative_to(build).as_posix(): path
        for path in sorted(build.rglob("*"))
        if path.is_file() and path.name not in (MANIFEST, BUILD_MARKER)
    }
    stats = {name: path.stat() for name, path in paths.items()}
    return (
        {name: stat.st_size for name, stat in stats.items()},
        {name: file_digest(path) for name, path in paths.items()},
        {name: stat.st_mtime_ns for name, stat in stats.items()},
    )


def publish(index_dir: Path, build: Path, manifest: Manifest) -> None:
    """Write the manifest last, then atomically point CURRENT at the build and remove stale builds.

    Call it holding the build lock (bot.index.locks.build_lock).
    """
    (build / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    _fsync_tree(build)
    pointer_tmp = index_dir / f".{POINTER}.tmp"
    with pointer_tmp.open("w", encoding="utf-8") as pointer:
        pointer.write(build.name + "\n")
        pointer.flush()
        os.fsync(pointer.fileno())
    os.replace(pointer_tmp, index_dir / POINTER)
    _fsync_folder(index_dir)
    remove_stale_builds(index_dir)


def citebot_builds(index_dir: Path) -> list[Path]:
    """The build folders in `index_dir` that citebot made (each holds its marker)."""
    return [folder for folder in _build_folders(index_dir) if (folder / BUILD_MARKER).is_file()]


def _build_folders(index_dir: Path) -> list[Path]:
    """Real folders (no links) in `index_dir` named like builds: `build-*`."""
    try:
        folders = list(index_dir.iterdir())
    except OSError:
        return []
    return [
        folder
        for folder in folders
        if _BUILD_NAME.fullmatch(folder.name) and folder.is_dir() and not folder.is_symlink()
    ]


def remove_stale_builds(index_dir: Path) -> list[str]:
    """Delete citebot's builds that are not needed: all but the current one, the newest other complete
    one (a process may have read CURRENT just before it changed) and those a process holds a lease on.
    Interrupted builds are among them. Call it holding the build lock. Returns the names deleted."""
    try:
        current: Path | None = current_build(index_dir)
    except (IndexMissing, IndexCorrupt, IndexFolderError):
        current = None
    builds = citebot_builds(index_dir)
    complete = [build for build in builds if build != current and (build / MANIFEST).is_file()]
    keep = {current, *sorted(complete, key=_built_at, reverse=True)[:1]}
    removed = []
    for build in builds:
        if build in keep:
            continue
        with unused(build) as free:
            if free:
                _remove_build(build)
                removed.append(build.name)
    return removed


def _built_at(build: Path) -> int:
    try:
        return (build / MANIFEST).stat().st_mtime_ns
    except OSError:
        return 0


def _remove_build(build: Path) -> None:
    """Delete a build folder, its marker last, so that an interrupted removal is finished next time."""
    try:
        for child in build.iterdir():
            if child.name == BUILD_MARKER:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        (build / BUILD_MARKER).unlink()
        build.rmdir()
    except OSError:
        pass  # best effort: what remains keeps its marker and goes next time


def _fsync_tree(build: Path) -> None:
    for path in build.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
