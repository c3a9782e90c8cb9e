"""kill -9 at random points of a build: the index left behind always loads, and the next build cleans up."""

from __future__ import annotations

import random
import time

import pytest

from bot.config import Settings
from bot.index.store import citebot_builds
from bot.retrieval.retriever import Retriever
from tests.reliability.support import finished, worker

pytestmark = pytest.mark.reliability
KILLS = 6


def test_kill_9_at_random_points_leaves_a_loadable_index(small: Settings) -> None:
    chance = random.Random(13)
    unloadable = 0
    for number in range(KILLS):
        (small.corpus_dir / f"killed-{number}.md").write_text(f"# Killed {number}\n\nA note about comets.\n")
        build = worker(small, "index", "--full")
        time.sleep(chance.uniform(0.5, 2.5))  # from imports to publishing, on this machine
        build.kill()
        finished(build)
        try:
            assert Retriever.open(small.retrieval, verify="full").ask("What about comets?").hits
        except Exception:
            unloadable += 1
    assert unloadable == 0
    code, _, err = finished(worker(small, "index"))
    assert code == 0, err
    assert len(citebot_builds(small.index_dir)) <= 2  # stale builds of the killed runs are gone
