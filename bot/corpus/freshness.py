"""Is the index current? Compares the corpus folder with the fingerprints in the manifest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.documents import content_hash, corpus_files, document_id
from bot.errors import CorpusError


@dataclass(frozen=True)
class Fingerprint:
    """How a document looked when it was indexed."""

    size: int
    mtime_ns: int
    content_hash: str


@dataclass(frozen=True)
class CorpusChanges:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unreadable: tuple[str, ...] = ()  # indexed, but cannot be read now (the index still holds them)

    @property
    def stale(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.unreadable)

    def describe(self) -> str:
        labels = (("added", self.added), ("changed", self.changed), ("removed", self.removed))
        parts = [f"{len(names)} {label}" for label, names in (*labels, ("unreadable", self.unreadable)) if names]
        return "the corpus changed since the index was built (" + ", ".join(parts) + ")"


def corpus_changes(
    indexed: Mapping[str, Fingerprint],
    skipped: Mapping[str, list[int]],
    corpus_dir: Path,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    outside_links: bool = False,
) -> CorpusChanges:
    """Files added, changed or removed since the build. Size and mtime first; a hash only when they differ.

    Files the build skipped (not UTF-8, empty) count only once they change. A file that cannot be
    read any more counts as unreadable: the index is still fine, and answers from it.
    """
    try:
        files = {
            document_id(path, corpus_dir): path
            for path in corpus_files(corpus_dir, include, exclude, outside_links=outside_links)
        }
    except CorpusError:
        files = {}
    known = indexed
    changed, unreadable = [], []
    for name in sorted(files.keys() & known.keys()):
        entry, fingerprint = known[name], _fingerprint(files[name])
        if fingerprint == [entry.size, entry.mtime_ns]:
            continue
        try:
            if fingerprint is None:
                raise OSError
            if fingerprint[0] != entry.size or content_hash(files[name].read_bytes()) != entry.content_hash:
                changed.append(name)
        except OSError:
            unreadable.append(name)
    added = [
        name for name in sorted(files.keys() - known.keys()) if skipped.get(name) != _fingerprint(files[name])
    ]
    return CorpusChanges(
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(sorted(known.keys() - files.keys())),
        unreadable=tuple(unreadable),
    )


def _fingerprint(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]
