"""Every mistake an operator can make is answered by one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import discord
import numpy as np
import pytest

import bot.index.builder
from bot.cli.main import main
from bot.config import Settings
from bot.index.builder import build_index
from bot.index.store import current_build
from bot.retrieval.retriever import Retriever
from tests.reliability.support import finished, one_line_error, worker, write_corpus

pytestmark = pytest.mark.reliability
NOBODY = 65534


def run(settings: Settings, *args: str) -> int:
    return main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args])


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean environment (no CITEBOT_* or DISCORD_* variables, no .env) to set variables in."""
    for name in list(os.environ):
        if name.startswith(("CITEBOT_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CITEBOT_MIN_SCORE", "2"),
        ("CITEBOT_MIN_SCORE", "nan"),
        ("CITEBOT_MIN_SCORE", "-inf"),
        ("CITEBOT_HYBRID_WEIGHT", "inf"),
        ("CITEBOT_HYBRID_WEIGHT", "nan"),
        ("CITEBOT_OVERLAP_SENTENCES", "-3"),
        ("CITEBOT_PASSAGE_TOKENS", "0"),
        ("CITEBOT_TOP_K", "-1"),
        ("CITEBOT_DISCORD_COOLDOWN", "-5"),
        ("CITEBOT_DISCORD_OWNER_ID", "abc"),
        ("CITEBOT_BUILD_WAIT", "soon"),
    ],
)
def test_bad_settings(
    small: Settings, environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], variable: str, value: str
) -> None:
    environment.setenv(variable, value)
    code = run(small, "info")
    err = capsys.readouterr().err
    assert one_line_error(code, err) and variable in err and len(err.splitlines()) == 1
    assert not any(word in err for word in ("int |", "None", "float", "<class"))


def test_bad_paths_and_questions(small: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    document = small.corpus_dir / "ramen-0.md"
    cases = {
        "corpus is a file": main(["--corpus", str(document), "--index", str(small.index_dir), "index"]),
        "empty corpus option": main(["--corpus", "", "--index", str(small.index_dir), "index"]),
        "zero-width question": run(small, "ask", "\u200b\u200b \u2060"),
    }
    err = capsys.readouterr().err
    assert all(code != 0 for code in cases.values()), cases
    assert "Traceback" not in err and "is a file, not a folder" in err and "--corpus is empty" in err
    assert "The question is empty" in err and cases["zero-width question"] == 2


def test_an_unreadable_indexed_file_warns_and_answers(
    small: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = small.corpus_dir / "tides-2.md"
    os.utime(victim, ns=(0, 0))  # changed, as far as the fingerprint knows: the check reads it
    real = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == victim.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert run(small, "ask", "What is studied in spring?") == 0
    assert run(small, "info") == 0
    err = capsys.readouterr().err
    assert "1 unreadable" in err and "Traceback" not in err


def test_a_file_name_that_is_not_utf8_is_skipped_with_its_name_escaped(
    small: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    (small.corpus_dir / os.fsdecode(b"bad\xffname.txt")).write_bytes(b"Some text about bees.\n")
    (small.corpus_dir / "\x1b[31mred.md").write_text("# Red\n\nA document with an escape in its name.\n")
    assert run(small, "index") == 0
    assert run(small, "info") == 0
    captured = capsys.readouterr()
    assert "skipped bad\\xffname.txt: its name is not valid UTF-8" in captured.err
    assert "\\x1b[31mred.md" in captured.out and "\x1b" not in captured.out + captured.err


def test_an_index_of_zero_passages_answers_that_it_has_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = write_corpus(tmp_path)
    monkeypatch.setattr(bot.index.builder, "split_for_embedding", lambda *args: [])
    build_index(settings.indexing)
    for mode in ("hybrid", "dense", "bm25"):
        assert run(settings, "ask", "--mode", mode, "What is studied?") == 0
    assert "Traceback" not in capsys.readouterr().err
    from bot.discord_app.services import open_retriever

    assert open_retriever(settings).info.passages == 0  # and the bot can start


def test_a_full_disk_during_a_rebuild_keeps_the_old_index_and_says_so(
    small: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = current_build(small.index_dir)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("921600 requested and 750560 written")

    monkeypatch.setattr(np, "save", full)
    code = run(small, "index", "--full")
    err = capsys.readouterr().err
    assert one_line_error(code, err) and "is the disk full?" in err and "the previous index was kept" in err
    assert current_build(small.index_dir) == before and len(list(small.index_dir.glob("build-*"))) == 1
    assert Retriever.open(small.retrieval).ask("What is studied?").hits


def test_a_document_over_the_size_limit_is_skipped_naming_it_and_its_size(
    small: Settings, environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (small.corpus_dir / "huge.txt").write_text("Word " * 60_000)
    environment.setenv("CITEBOT_MAX_DOCUMENT_MB", "0.1")
    assert run(small, "index") == 0
    assert "skipped huge.txt: 0.3 MB is over the limit of 0.1 MB per document" in capsys.readouterr().err


@pytest.fixture
def shared_root() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="citebot-perm-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to act as another user")
def test_folders_of_another_user(shared_root: Path) -> None:
    settings = write_corpus(shared_root)
    build_index(settings.indexing)
    unreadable = settings.corpus_dir / "tides-2.md"
    os.utime(unreadable, ns=(0, 0))
    unreadable.chmod(0o000)
    code, _, err = finished(worker(settings, "ask", "What is studied in spring?", user=NOBODY))
    assert code == 0 and "1 unreadable" in err and "Traceback" not in err, err  # warns, and answers
    code, _, err = finished(worker(settings, "index", user=NOBODY))
    assert one_line_error(code, err) and "cannot write in the index folder" in err, err
    settings.index_dir.chmod(0o700)
    code, _, err = finished(worker(settings, "ask", "What is studied?", user=NOBODY))
    assert one_line_error(code, err) and "cannot read the index" in err, err
    private = settings.corpus_dir / "private"
    private.mkdir(mode=0o700)
    (private / "hidden.md").write_text("# Hidden\n\nNobody may read this.\n")
    own = settings.with_values({"index_dir": shared_root / "nobody-index"})
    own.index_dir.mkdir()
    os.chown(own.index_dir, NOBODY, NOBODY)
    code, _, err = finished(worker(own, "index", user=NOBODY))
    assert code == 0 and "skipped folder private: cannot read it" in err and "Traceback" not in err, err


def test_discord_unreachable_or_an_unusable_feedback_path_is_one_line(
    small: Settings, environment: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    environment.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    environment.setenv("DISCORD_TOKEN", "a-token")
    environment.setenv("DISCORD_API_BASE", "http://127.0.0.1:9/api/v10")
    code = run(small, "discord")
    err = capsys.readouterr().err
    assert one_line_error(code, err) and "Could not reach Discord at http://127.0.0.1:9/api/v10" in err, err
    (tmp_path / "folder").mkdir()
    environment.setenv("CITEBOT_FEEDBACK_PATH", str(tmp_path / "folder"))
    code = run(small, "discord")
    err = capsys.readouterr().err
    assert one_line_error(code, err) and "CITEBOT_FEEDBACK_PATH=" in err and "it is not a file" in err
