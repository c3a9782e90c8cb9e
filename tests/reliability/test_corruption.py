"""Every index file damaged in four ways: never accepted, always one line (IndexCorrupt), never a traceback."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.errors import IndexCorrupt
from bot.index.store import MANIFEST, current_build, read_manifest
from bot.retrieval.retriever import Retriever
from tests.reliability.support import one_line_error

pytestmark = pytest.mark.reliability


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(5).randbytes(path.stat().st_size))  # same size: passes a size check


def zeros(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def delete(path: Path) -> None:
    path.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": truncate,
    "garbage": garbage,
    "zeros": zeros,
    "deleted": delete,
}


def index_files(settings: Settings) -> list[str]:
    build = current_build(settings.index_dir)
    return sorted([*read_manifest(build).files, MANIFEST])


def test_the_probe_covers_every_file(pristine: Settings) -> None:
    assert {
        "passages.jsonl",
        "vectors.npy",
        "sentence_vectors.npy",
        "sentence_offsets.npy",
        "sentence_spans.npy",
        "faiss.index",
        "bm25/bm25.json",
        "bm25/bm25.npz",
        MANIFEST,
    } <= set(index_files(pristine))


@pytest.mark.parametrize("how", DAMAGE)
def test_every_damaged_file_is_refused_in_one_line(
    small: Settings, how: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    build = current_build(small.index_dir)
    pristine = {name: (build / name).read_bytes() for name in index_files(small)}
    accepted, tracebacks = [], []
    for name, content in pristine.items():
        DAMAGE[how](build / name)
        try:
            Retriever.open(small.retrieval).ask("What did the researchers measure?")
            accepted.append(name)
        except IndexCorrupt:
            pass
        except Exception as exc:
            tracebacks.append(f"{name}: {type(exc).__name__}: {exc}")
        for command in (["ask", "What is studied?"], ["info"]):
            code = main(["--corpus", str(small.corpus_dir), "--index", str(small.index_dir), *command])
            err = capsys.readouterr().err
            if not one_line_error(code, err):
                tracebacks.append(f"{name} {command[0]}: {code} {err}")
        (build / name).write_bytes(content)
    assert accepted == [] and tracebacks == []


@pytest.mark.parametrize("name", ["vectors.npy", "sentence_vectors.npy", "faiss.index", "sentence_offsets.npy"])
def test_same_size_garbage_keeping_the_time_is_caught_by_info_and_never_answered(
    small: Settings, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ask` checks sizes and times (hashing only changed files); `info` and the bot's start-up hash all."""
    path = current_build(small.index_dir) / name
    stat = path.stat()
    garbage(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert main(["--corpus", str(small.corpus_dir), "--index", str(small.index_dir), "info"]) == 1
    assert "does not match its checksum" in capsys.readouterr().err
    with pytest.raises(IndexCorrupt):  # unparsable, or scores outside [-1, 1]: never an answer
        Retriever.open(small.retrieval).ask("What did the researchers measure?")


def test_garbage_current_is_one_line(small: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    (small.index_dir / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    for command in (["ask", "What is studied?"], ["info"]):
        code = main(["--corpus", str(small.corpus_dir), "--index", str(small.index_dir), *command])
        err = capsys.readouterr().err
        assert one_line_error(code, err) and "names no build" in err
