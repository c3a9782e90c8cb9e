"""Builds and questions at the same time: builds are serialised, every index left loads, every ask is answered."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from bot.config import Settings
from bot.index.locks import BUILD_LOCK
from bot.index.store import citebot_builds, current_build, read_manifest
from bot.retrieval.retriever import Retriever
from tests.reliability.support import finished, one_line_error, worker, write_corpus

pytestmark = pytest.mark.reliability
ROUNDS = 3


def loads(settings: Settings) -> bool:
    try:
        retriever = Retriever.open(settings.retrieval, verify="full")
        return bool(retriever.ask("What did the researchers measure?").hits)
    except Exception:
        return False


def test_two_builders_at_once_leave_a_loadable_index_and_both_say_what_happened(small: Settings) -> None:
    unloadable, untruthful = 0, []
    for round_ in range(ROUNDS):
        (small.corpus_dir / f"new-{round_}.md").write_text(f"# New {round_}\n\nA new note, number {round_}.\n")
        args = ("index", "--full") if round_ % 2 else ("index",)
        first, second = worker(small, *args), worker(small, "index")
        outcomes = [finished(first), finished(second)]
        unloadable += not loads(small)
        for code, out, err in outcomes:
            if code != 0 or "Indexed" not in out or "Traceback" in err:
                untruthful.append((code, out, err))
        manifest = read_manifest(current_build(small.index_dir))
        assert any(entry.info.id == f"new-{round_}.md" for entry in manifest.documents)
    assert unloadable == 0 and untruthful == []
    assert len(citebot_builds(small.index_dir)) <= 2  # the current build and the one before it


def test_a_second_builder_says_it_waits_and_gives_up_in_one_line(small: Settings) -> None:
    fd = os.open(small.index_dir / BUILD_LOCK, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as if a long build were running
    try:
        code, _, err = finished(worker(small, "index", CITEBOT_BUILD_WAIT="0.5"))
    finally:
        os.close(fd)
    assert f"another build of {small.index_dir} is running; waiting for it to finish (up to 0.5 s)…" in err
    assert one_line_error(code, err) and "still running after 0.5 s" in err


def test_asks_during_rebuilds_are_all_answered(small: Settings) -> None:
    rebuilds = 3
    asked = failed = 0
    for number in range(rebuilds):
        (small.corpus_dir / f"extra-{number}.md").write_text(f"# Extra {number}\n\nAn extra note on tides.\n")
        builder = worker(small, "index", "--full")
        while builder.poll() is None:
            asked += 1
            try:
                retriever = Retriever.open(small.retrieval)  # a cold ask: CURRENT read anew
                assert retriever.ask("When are the tides studied?").hits
            except Exception:
                failed += 1
        code, _, err = finished(builder)
        assert code == 0, err
    assert asked >= rebuilds and failed == 0


def test_an_open_retriever_keeps_answering_after_two_newer_builds(small: Settings) -> None:
    old = Retriever.open(small.retrieval)
    old_build = current_build(small.index_dir)
    for number in range(2):
        (small.corpus_dir / f"later-{number}.md").write_text(f"# Later {number}\n\nA later note.\n")
        code, _, err = finished(worker(small, "index"))
        assert code == 0, err
    assert old_build.is_dir()  # its lease kept it
    assert old.ask("What did the researchers measure?").hits
    old.close()
    code, _, _ = finished(worker(small, "index", "--full"))
    assert code == 0 and not old_build.exists()  # released: the next build may delete it


def test_two_first_asks_at_once_build_once_and_both_answer(tmp_path: Path) -> None:
    settings = write_corpus(tmp_path)
    asks = [worker(settings, "ask", "--json", "What is studied in spring?") for _ in range(2)]
    results = [finished(process) for process in asks]
    assert [code for code, _, _ in results] == [0, 0], results
    assert all('"answered"' in out and "Traceback" not in err for _, out, err in results)
    assert len(citebot_builds(settings.index_dir)) == 1
