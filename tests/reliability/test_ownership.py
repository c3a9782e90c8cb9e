"""citebot deletes only what it made, writes only in folders it owns, and quotes only files inside the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.index.builder import build_index
from bot.index.store import citebot_builds, current_build
from bot.retrieval.retriever import Retriever
from tests.reliability.support import one_line_error, write_corpus

pytestmark = pytest.mark.reliability


def user_files(folder: Path) -> dict[str, bytes]:
    """What a user put in `folder`: files that look like builds, and others."""
    files = {
        "build-notes/important.txt": b"do not lose me",
        "build-scripts/run.sh": b"#!/bin/sh\necho hi\n",
        "build-artifacts/app.bin": b"\x00\x01binary",
        "notes.txt": b"a note",
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return files


def still_there(folder: Path, files: dict[str, bytes]) -> int:
    return sum((folder / name).is_file() and (folder / name).read_bytes() == content for name, content in files.items())


def run(settings: Settings, *args: str) -> int:
    return main(["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir), *args])


def test_user_folders_inside_the_index_folder_survive_every_build(small: Settings) -> None:
    files = user_files(small.index_dir)
    for number in range(3):
        (small.corpus_dir / f"more-{number}.md").write_text(f"# More {number}\n\nText {number}.\n")
        build_index(small.indexing, full=bool(number % 2))
    assert still_there(small.index_dir, files) == len(files)
    assert all(build.name.startswith("build-") for build in citebot_builds(small.index_dir))


def test_a_folder_of_user_files_is_never_made_an_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = write_corpus(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    files = user_files(project)
    for index in (str(project), ""):
        monkeypatch.chdir(project)  # `--index ""` (an unset variable) must not mean this folder
        code = main(["--corpus", str(settings.corpus_dir), "--index", index, "index"])
        err = capsys.readouterr().err
        assert one_line_error(code, err), err
    assert still_there(project, files) == len(files) and sorted(os.listdir(project)) == sorted(
        ["build-notes", "build-scripts", "build-artifacts", "notes.txt"]
    )


def test_links_out_of_the_corpus_are_skipped_with_a_warning_and_never_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = write_corpus(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("The secret password is swordfish.\n")
    (outside / "folder").mkdir()
    (outside / "folder" / "more.txt").write_text("The vault code is 1234.\n")
    (settings.corpus_dir / "passwd.txt").symlink_to(outside / "secret.txt")
    (settings.corpus_dir / "linked").symlink_to(outside / "folder")
    (settings.corpus_dir / "inside.txt").symlink_to(settings.corpus_dir / "ramen-0.md")  # inside: indexed
    assert run(settings, "index") == 0
    err = capsys.readouterr().err
    assert "skipped passwd.txt: it links to a file outside the corpus folder" in err
    assert "skipped folder linked: it is a link" in err
    retriever = Retriever.open(settings.retrieval)
    quoted = [hit.passage.text for q in ("What is the secret password?", "vault code") for hit in retriever.ask(q).hits]
    assert not any("swordfish" in text or "1234" in text for text in quoted)
    assert "inside.txt" in retriever.documents and not retriever.info.stale
    allowed = settings.with_values({"follow_links": True})
    build_index(allowed.indexing)
    assert "passwd.txt" in Retriever.open(allowed.retrieval).documents


def test_stale_builds_of_killed_runs_are_removed_but_unmarked_ones_kept(small: Settings) -> None:
    for number in range(3):  # as a kill -9 mid-build leaves them: a marker and some files, no manifest
        stale = small.index_dir / f"build-killed{number}"
        stale.mkdir()
        (stale / ".citebot-build").write_text("x")
        (stale / "vectors.npy").write_bytes(bytes(1000))
    (small.index_dir / "build-mine").mkdir()
    (small.index_dir / "build-mine" / "keep.txt").write_text("mine")
    build_index(small.indexing)
    assert not any(small.index_dir.glob("build-killed*"))
    assert (small.index_dir / "build-mine" / "keep.txt").read_text() == "mine"
    assert current_build(small.index_dir) in citebot_builds(small.index_dir)
