"""Which files of the corpus folder are indexed: include and exclude patterns in gitignore style.

`CITEBOT_INCLUDE` (default: every file) says which files are candidates; `CITEBOT_EXCLUDE` adds
patterns to the default exclusions (build output, vendored folders, hidden files and folders,
translation catalogs); a pattern starting with "!" brings an excluded path back, as in .gitignore.
A candidate that no reader knows (an image, a stylesheet) is counted by its extension, never
silently dropped.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ConfigError, CorpusError
from bot.printable import printable

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".*",  # hidden files and folders (.git, .github, .venv)
    "_build/",  # Sphinx output
    "site/",  # MkDocs output
    "node_modules/",
    "vendor/",
    "__pycache__/",
    "*.po",  # translation catalogs
    "*.pot",
    "*.mo",
)


@dataclass
class CorpusScan:
    """The files to read, and what was left out and why."""

    files: list[Path] = field(default_factory=list)
    other_kinds: Counter[str] = field(default_factory=Counter)  # extension -> files no reader knows
    excluded_files: int = 0  # files matching an exclude pattern or no include pattern
    excluded_folders: int = 0  # folders matching an exclude pattern (their files are not even listed)


def kind(path: str | Path) -> str:
    """A file's kind as reported: its lower-case extension, or "no extension"."""
    suffix = os.path.splitext(str(path))[1].lower()
    return suffix or "no extension"


@cache
def _spec(patterns: tuple[str, ...], setting: str) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    try:
        return GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"Setting {setting} holds a pattern that is not gitignore style ({exc}).") from None


def scan_corpus(
    root: Path,
    suffixes: Sequence[str],
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    warn: Callable[[str], None] | None = None,
    outside_links: bool = False,
) -> CorpusScan:
    """Walk `root`: the files to read (sorted) are those matching `include` (default: all), not matching
    the default exclusions plus `exclude`, and whose extension is in `suffixes`.

    Also skipped, with a warning through `warn` when given: links to files outside `root` (unless
    `outside_links`), linked folders (never followed), folders that cannot be read, and names that
    are not valid UTF-8. Walks with os.walk on plain strings: on every cold `ask` (the freshness
    check) this is several times faster than pathlib's rglob on a corpus of thousands of files.
    """
    if not root.exists():
        raise CorpusError(f"The corpus folder {root} does not exist; create it and put documents in it.")
    if not root.is_dir():
        raise CorpusError(f"The corpus {root} is a file, not a folder; give the folder that holds it (--corpus DIR).")
    if not os.access(root, os.R_OK | os.X_OK):
        raise CorpusError(f"The corpus folder {root} cannot be read (permission denied).")
    excluded = _spec(DEFAULT_EXCLUDE + tuple(exclude), "CITEBOT_EXCLUDE")
    # Every file is a candidate unless include patterns are given: matching "*" against each of thousands
    # of files would only cost time on every cold `ask` (the freshness check walks the corpus too).
    included = _spec(tuple(include), "CITEBOT_INCLUDE") if include else None
    wanted = tuple(suffix.lower() for suffix in suffixes)
    say = warn or (lambda message: None)
    scan = CorpusScan()
    found = []
    base = str(root)
    real_root = os.path.realpath(base)

    def unreadable(error: OSError) -> None:
        name = os.path.relpath(error.filename, base) if error.filename else "?"
        say(f"skipped folder {printable(name)}: cannot read it ({error.strerror or error}).")

    for folder, subfolders, names in os.walk(base, onerror=unreadable):
        relative = os.path.relpath(folder, base).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        kept = []
        for name in subfolders:
            if excluded.match_file(f"{prefix}{name}/"):
                scan.excluded_folders += 1
            elif os.path.islink(os.path.join(folder, name)):
                say(
                    f"skipped folder {printable(prefix + name)}: it is a link, and citebot does not follow linked "
                    "folders; move or copy its documents into the corpus."
                )
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.isfile(path):
                continue
            if excluded.match_file(prefix + name) or (included is not None and not included.match_file(prefix + name)):
                scan.excluded_files += 1
            elif not name.lower().endswith(wanted):
                scan.other_kinds[kind(name)] += 1
            elif not _is_utf8(prefix + name):
                say(f"skipped {printable(prefix + name)}: its name is not valid UTF-8; rename the file.")
            elif os.path.islink(path) and not outside_links and not _inside(os.path.realpath(path), real_root):
                say(
                    f"skipped {printable(prefix + name)}: it links to a file outside the corpus folder "
                    "(set CITEBOT_FOLLOW_LINKS=true to index such links)."
                )
            else:
                found.append(path)
    scan.files = [Path(path) for path in sorted(found)]
    return scan


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a byte os.fsdecode could not decode, kept as a lone surrogate
        return False
    return True


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder
