"""Who may touch an index folder: one builder at a time, and no build deleted while a process serves it.

Both are `flock` locks, which the kernel drops when a process dies, so a kill -9 never leaves a
lock behind:
- builders hold an exclusive lock on `index/.lock` for the whole build, cleanup included;
- a process that answers from a build holds a shared lock on that build's marker file (its lease)
  for as long as it may read the build; the cleaner deletes a build only after taking an exclusive,
  non-blocking lock on the same file, so a build with a lease is never deleted.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import IndexBusy, IndexFolderError

BUILD_LOCK = ".lock"
BUILD_MARKER = ".citebot-build"  # written first into every build folder; also its lease file
POLL_SECONDS = 0.1


@contextmanager
def build_lock(index_dir: Path, wait: float, notify: Callable[[str], None]) -> Iterator[None]:
    """Hold the index folder's build lock; if another build holds it, say so and wait up to `wait` seconds."""
    try:
        fd = os.open(index_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        raise IndexFolderError(
            f"citebot cannot write in the index folder {index_dir} (permission denied); "
            "run it as the folder's owner or choose another folder with --index."
        ) from None
    try:
        if not _try_lock(fd, fcntl.LOCK_EX):
            notify(f"another build of {index_dir} is running; waiting for it to finish (up to {wait:g} s)…")
            deadline = time.monotonic() + wait
            while not _try_lock(fd, fcntl.LOCK_EX):
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"another build of {index_dir} is still running after {wait:g} s; "
                        "try again when it has finished (or raise CITEBOT_BUILD_WAIT)."
                    )
                time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int, kind: int) -> bool:
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class Lease:
    """A shared lock on a build's marker: while it is held, no cleaner deletes the build."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.release()


def take_lease(build: Path) -> Lease | None:
    """A lease on `build`, or None if the build is gone or being deleted (read CURRENT again).

    A build without a marker (written by an older citebot) gets an empty lease: nothing to lock.
    """
    path = build / BUILD_MARKER
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # the cleaner removes the marker last: a manifest beside no marker is an older build
        return Lease(None) if (build / "manifest.json").is_file() else None
    except PermissionError:
        raise IndexFolderError(
            f"citebot cannot read the index build {build} (permission denied); "
            "run it as the folder's owner or choose another folder with --index."
        ) from None
    if not _try_lock(fd, fcntl.LOCK_SH):
        os.close(fd)
        return None
    try:
        same = os.stat(path).st_ino == os.fstat(fd).st_ino  # deleted while we waited: a stale file
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return None
    return Lease(fd)


@contextmanager
def unused(build: Path) -> Iterator[bool]:
    """Whether no process holds a lease on `build` (exclusive lock on its marker, held inside the block)."""
    try:
        fd = os.open(build / BUILD_MARKER, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        yield _try_lock(fd, fcntl.LOCK_EX)
    finally:
        os.close(fd)
