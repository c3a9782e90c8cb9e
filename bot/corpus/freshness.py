"""Is the index current? Compares the corpus folder with the fingerprints in the manifest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.documents import content_hash, corpus_files, document_id
from bot.errors import CorpusError
from bot.index.store import Manifest


@dataclass(frozen=True)
class CorpusChanges:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        parts = [
            f"{len(names)} {label}"
            for label, names in (("added", self.added), ("changed", self.changed), ("removed", self.removed))
            if names
        ]
        return "the corpus changed since the index was built (" + ", ".join(parts) + ")"


def corpus_changes(
    manifest: Manifest, corpus_dir: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> CorpusChanges:
    """Files added, changed or removed since the build. Size and mtime first; a hash only when they differ.

    Files the build skipped (not UTF-8, empty) count only once they change.
    """
    try:
        files = {document_id(path, corpus_dir): path for path in corpus_files(corpus_dir, include, exclude)}
    except CorpusError:
        files = {}
    known = {entry.info.id: entry for entry in manifest.documents}
    changed = []
    for name in sorted(files.keys() & known.keys()):
        entry, (size, mtime_ns) = known[name], _fingerprint(files[name])
        if (size, mtime_ns) == (entry.size, entry.mtime_ns):
            continue
        if size != entry.size or content_hash(files[name].read_bytes()) != entry.content_hash:
            changed.append(name)
    added = [
        name for name in sorted(files.keys() - known.keys()) if manifest.skipped.get(name) != _fingerprint(files[name])
    ]
    return CorpusChanges(
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(sorted(known.keys() - files.keys())),
    )


def _fingerprint(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]
