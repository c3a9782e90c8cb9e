"""The reliability suite runs on small corpora with the deterministic HashEncoder (tests/fakes.py):
what it probes is the index folder, the locks and the error paths, not the model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.index.builder import build_index
from tests.reliability.support import write_corpus
from tests.reliability.worker import use_fake_encoder
from tests.support import make_settings


@pytest.fixture(autouse=True)
def hash_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_encoder(monkeypatch.setattr)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small corpus and its index, built once (never modified: copy it with `small`)."""
    settings = write_corpus(tmp_path_factory.mktemp("pristine"))
    with pytest.MonkeyPatch.context() as patch:
        use_fake_encoder(patch.setattr)
        build_index(settings.indexing)
    return settings


@pytest.fixture
def small(tmp_path: Path, pristine: Settings) -> Settings:
    """A private copy of the pristine corpus and index (modification times kept)."""
    shutil.copytree(pristine.corpus_dir, tmp_path / "corpus")
    shutil.copytree(pristine.index_dir, tmp_path / "index")
    return make_settings(tmp_path)
